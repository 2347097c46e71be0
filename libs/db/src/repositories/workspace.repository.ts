import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Tenant } from '../entities/tenant.entity';
import { TenantAccountJoin, type WorkspaceRole } from '../entities/tenant-account-join.entity';

export interface Membership {
  readonly workspaceId: string;
  readonly name: string;
  readonly role: WorkspaceRole;
  readonly current: boolean;
  readonly createdAt: Date;
}

interface MembershipRow {
  id: string;
  name: string;
  role: WorkspaceRole;
  current: boolean;
  created_at: Date;
}

const toMembership = (row: MembershipRow): Membership => ({
  workspaceId: row.id,
  name: row.name,
  role: row.role,
  current: row.current,
  createdAt: row.created_at,
});

/** Workspaces (the `tenants` table) and memberships. */
@Injectable()
export class WorkspaceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertWorkspace(
    manager: EntityManager,
    workspace: { id: string; name: string },
  ): Promise<void> {
    await manager.insert(Tenant, workspace);
  }

  async findWorkspace(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Tenant | null> {
    return manager.findOneBy(Tenant, { id });
  }

  async insertMembership(
    manager: EntityManager,
    membership: {
      id: string;
      workspaceId: string;
      accountId: string;
      role: WorkspaceRole;
      current: boolean;
    },
  ): Promise<void> {
    await manager.insert(TenantAccountJoin, {
      id: membership.id,
      tenantId: membership.workspaceId,
      accountId: membership.accountId,
      role: membership.role,
      current: membership.current,
    });
  }

  /** Every membership of the account, oldest workspace first. */
  async membershipsOf(
    accountId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Membership[]> {
    const rows: MembershipRow[] = await manager.query(
      `SELECT t.id, t.name, j.role, j.current, t.created_at
         FROM tenant_account_joins j
         JOIN tenants t ON t.id = j.tenant_id
        WHERE j.account_id = $1
        ORDER BY t.created_at, t.id`,
      [accountId],
    );
    return rows.map(toMembership);
  }

  /**
   * Makes one membership current and the others not, answering false when the account is not a
   * member. Two statements, because the one-current-per-account index is checked row by row and
   * a single swapping UPDATE could trip it halfway.
   *
   * Every membership row of the account is locked first, in one order, so concurrent switches of
   * one account run one after the other: locking only the target row let two switches to
   * different workspaces each clear the old current row and both set their own, and the second
   * then broke the unique index. Under READ COMMITTED each statement after the lock sees what the
   * switch before it committed.
   */
  async switchCurrent(
    manager: EntityManager,
    accountId: string,
    workspaceId: string,
  ): Promise<boolean> {
    const memberships: { tenant_id: string }[] = await manager.query(
      `SELECT tenant_id FROM tenant_account_joins WHERE account_id = $1 ORDER BY id FOR UPDATE`,
      [accountId],
    );
    if (!memberships.some((membership) => membership.tenant_id === workspaceId)) return false;
    await manager.query(
      `UPDATE tenant_account_joins SET current = false, updated_at = now()
        WHERE account_id = $1 AND current AND tenant_id <> $2`,
      [accountId, workspaceId],
    );
    await manager.query(
      `UPDATE tenant_account_joins SET current = true, updated_at = now()
        WHERE account_id = $1 AND tenant_id = $2 AND NOT current`,
      [accountId, workspaceId],
    );
    return true;
  }

  async findWorkspaceByName(manager: EntityManager, name: string): Promise<Tenant | null> {
    return manager.findOneBy(Tenant, { name });
  }
}
