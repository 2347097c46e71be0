import { Injectable } from '@nestjs/common';
import { WorkspaceRepository, type Membership } from '@dify/db';
import { AuditSink } from '@dify/domain';
import { recordQuietly, type RequestContext } from '@dify/platform';
import { DataSource } from 'typeorm';
import { IDENTITY_ERROR_CODES, IdentityError } from '../identity.errors';

/** The workspaces an account belongs to, and which one is current. */
@Injectable()
export class WorkspaceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workspaces: WorkspaceRepository,
    private readonly audit: AuditSink,
  ) {}

  /** Every membership, oldest workspace first. */
  memberships(accountId: string): Promise<Membership[]> {
    return this.workspaces.membershipsOf(accountId);
  }

  /** The membership flagged current, else the oldest one. */
  async current(accountId: string): Promise<Membership> {
    const memberships = await this.workspaces.membershipsOf(accountId);
    const current = memberships.find((membership) => membership.current) ?? memberships[0];
    if (!current) {
      throw new IdentityError(IDENTITY_ERROR_CODES.noWorkspace, 'This account has no workspace');
    }
    return current;
  }

  async switch(
    accountId: string,
    workspaceId: string,
    context: RequestContext,
  ): Promise<Membership> {
    const switched = await this.dataSource.transaction((manager) =>
      this.workspaces.switchCurrent(manager, accountId, workspaceId),
    );
    // One answer for "no such workspace" and "not yours": membership is not disclosed.
    const membership = switched
      ? (await this.workspaces.membershipsOf(accountId)).find((m) => m.workspaceId === workspaceId)
      : undefined;
    if (!membership) {
      throw new IdentityError(IDENTITY_ERROR_CODES.workspaceNotFound, 'Workspace not found');
    }
    await recordQuietly(this.audit, {
      event: 'workspace.switched',
      accountId,
      actorAccountId: accountId,
      ip: context.ip,
      requestId: context.requestId,
      payload: { tenant_id: workspaceId },
    });
    return membership;
  }
}
