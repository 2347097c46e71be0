import { Injectable } from '@nestjs/common';
import { AUDIT_EVENTS, AuditSink, recordQuietly } from '@dify/audit';
import { WorkspaceRepository, type Membership } from '@dify/db';
import type { RequestContext } from '@dify/platform';
import { DataSource, QueryFailedError } from 'typeorm';
import { IDENTITY_ERROR_CODES, IdentityError } from '../identity.errors';
import { defaultMembership } from './default-membership';

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
    const current = defaultMembership(await this.workspaces.membershipsOf(accountId));
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
    const switched = await this.dataSource
      .transaction((manager) => this.workspaces.switchCurrent(manager, accountId, workspaceId))
      .catch((error: unknown) => {
        // Switches of one account queue on its membership rows; should another writer of those
        // rows still collide with one (a deadlock, the one-current index), the caller gets a
        // clean 409 to retry rather than a 500.
        if (isConflict(error)) {
          throw new IdentityError(
            IDENTITY_ERROR_CODES.workspaceSwitchConflict,
            'Another change to your workspaces was in progress; try again',
          );
        }
        throw error;
      });
    // One answer for "no such workspace" and "not yours": membership is not disclosed.
    const membership = switched
      ? (await this.workspaces.membershipsOf(accountId)).find((m) => m.workspaceId === workspaceId)
      : undefined;
    if (!membership) {
      throw new IdentityError(IDENTITY_ERROR_CODES.workspaceNotFound, 'Workspace not found');
    }
    await recordQuietly(this.audit, {
      event: AUDIT_EVENTS.workspaceSwitched,
      accountId,
      actorAccountId: accountId,
      ip: context.ip,
      requestId: context.requestId,
      payload: { tenant_id: workspaceId },
    });
    return membership;
  }
}

// unique_violation, serialization_failure, deadlock_detected
const CONFLICT_STATES = new Set(['23505', '40001', '40P01']);

function isConflict(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code: unknown = (error.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && CONFLICT_STATES.has(code);
}
