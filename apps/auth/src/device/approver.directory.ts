import { Injectable } from '@nestjs/common';
import { AccountRepository, WorkspaceRepository } from '@dify/db';

export interface Approver {
  readonly accountId: string;
  readonly email: string;
  readonly name: string;
  readonly memberships: readonly { id: string; name: string; role: string; current: boolean }[];
}

/**
 * Loads the signed-in approver and every membership, oldest workspace first, before anything
 * touches tokens: a failure here mints nothing (docs/device-flow.md, "Approval").
 */
@Injectable()
export class ApproverDirectory {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly workspaces: WorkspaceRepository,
  ) {}

  async load(accountId: string): Promise<Approver | null> {
    const account = await this.accounts.findById(accountId);
    if (!account) return null;
    const memberships = await this.workspaces.membershipsOf(accountId);
    return {
      accountId: account.id,
      email: account.email,
      name: account.name,
      memberships: memberships.map((membership) => ({
        id: membership.workspaceId,
        name: membership.name,
        role: membership.role,
        current: membership.current,
      })),
    };
  }
}
