import { Injectable } from '@nestjs/common';
import {
  AccountRepository,
  type Membership,
  WorkspaceRepository,
  type WorkspaceRole,
} from '@dify/db';
import { defaultMembership } from '../workspaces/default-membership';

/** One workspace the account belongs to, as every account view shows it. */
export interface AccountMembership {
  /** The workspace (tenant) id. */
  readonly id: string;
  readonly name: string;
  readonly role: WorkspaceRole;
  readonly current: boolean;
}

/**
 * The account with its memberships: the one read model behind the bearer account view, the
 * console profile, the device approver and the new-device mail. Each shapes its own wire answer
 * from it.
 */
export interface AccountWithMemberships {
  readonly accountId: string;
  readonly email: string;
  readonly name: string;
  /** Every membership, oldest workspace first. */
  readonly memberships: readonly AccountMembership[];
  /** The membership flagged current, else the oldest one, else null (no workspace). */
  readonly defaultWorkspaceId: string | null;
}

/** Reads accounts with their memberships. Needs only the global DbModule. */
@Injectable()
export class AccountDirectory {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly workspaces: WorkspaceRepository,
  ) {}

  /** The account and its memberships, or null when no account has this id. */
  async find(accountId: string): Promise<AccountWithMemberships | null> {
    const [account, memberships] = await Promise.all([
      this.accounts.findById(accountId),
      this.workspaces.membershipsOf(accountId),
    ]);
    return account ? withMemberships(account, memberships) : null;
  }

  /**
   * The same view of an account row the caller has already read (the device approval has it
   * from the session check), so only the memberships are asked for.
   */
  async withMembershipsOf(account: DirectoryAccount): Promise<AccountWithMemberships> {
    return withMemberships(account, await this.workspaces.membershipsOf(account.id));
  }
}

/** The account columns the view shows. */
export interface DirectoryAccount {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}

function withMemberships(
  account: DirectoryAccount,
  memberships: readonly Membership[],
): AccountWithMemberships {
  const shown = memberships.map(
    ({ workspaceId, name, role, current }): AccountMembership => ({
      id: workspaceId,
      name,
      role,
      current,
    }),
  );
  return {
    accountId: account.id,
    email: account.email,
    name: account.name,
    memberships: shown,
    defaultWorkspaceId: defaultMembership(shown)?.id ?? null,
  };
}
