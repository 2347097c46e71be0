import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Account, type AccountStatus } from '../entities/account.entity';
import { queryRows } from './returning-query';

export interface NewAccount {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
}

export interface AccountListing {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly status: AccountStatus;
  readonly createdAt: Date;
  readonly workspaces: number;
}

@Injectable()
export class AccountRepository {
  constructor(private readonly dataSource: DataSource) {}

  async count(manager: EntityManager = this.dataSource.manager): Promise<number> {
    return manager.count(Account);
  }

  /** Emails are stored lower-cased; comparing on lower() uses the unique index. */
  async findByEmail(email: string): Promise<Account | null> {
    const rows: Account[] = await this.dataSource.manager
      .createQueryBuilder(Account, 'account')
      .where('lower(account.email) = lower(:email)', { email })
      .getMany();
    return rows[0] ?? null;
  }

  findById(id: string): Promise<Account | null> {
    return this.dataSource.manager.findOneBy(Account, { id });
  }

  async insert(manager: EntityManager, account: NewAccount): Promise<void> {
    await manager.insert(Account, { ...account, status: 'active' });
  }

  /** Sets the status of the account with this (normalised) email; answers its id, or null. */
  async setStatusByEmail(
    manager: EntityManager,
    email: string,
    status: AccountStatus,
  ): Promise<string | null> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE accounts SET status = $2, updated_at = now() WHERE lower(email) = lower($1) RETURNING id`,
      [email, status],
    );
    return rows[0]?.id ?? null;
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.dataSource.manager.update(Account, { id }, { passwordHash });
  }

  async list(): Promise<AccountListing[]> {
    const rows: {
      id: string;
      email: string;
      name: string;
      status: AccountStatus;
      created_at: Date;
      workspaces: number;
    }[] = await this.dataSource.query(
      `SELECT a.id, a.email, a.name, a.status, a.created_at,
              (SELECT count(*)::int FROM tenant_account_joins j WHERE j.account_id = a.id) AS workspaces
         FROM accounts a
        ORDER BY a.created_at, a.email`,
    );
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      status: row.status,
      createdAt: row.created_at,
      workspaces: row.workspaces,
    }));
  }
}
