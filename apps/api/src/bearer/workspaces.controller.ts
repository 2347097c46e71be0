import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { Membership } from '@dify/db';
import { isUuid, SCOPE } from '@dify/domain';
import { IDENTITY_ERROR_CODES, IdentityError, WorkspaceService } from '@dify/identity';
import { AccountViewCache } from './account-view.cache';
import { ReqContext } from '@dify/http-edge';
import type { RequestContext } from '@dify/platform';
import { BEARER_ERROR_CODES, bearerApiError } from './bearer-api.errors';
import { type AccountBearer, AccountCaller } from './account-caller.decorator';
import { BearerRoute } from './bearer-route.decorator';
import {
  type PageEnvelope,
  pageEnvelope,
  pageOffset,
  type PageQuery,
  PageQueryParam,
} from './page-query';
import type { WorkspaceDetail, WorkspaceItem } from './workspace.response';

// Tenants carry no status column; until they do, every workspace a member can see is `normal`.
const WORKSPACE_STATUS = 'normal';

const item = (membership: Membership): WorkspaceItem => ({
  id: membership.workspaceId,
  name: membership.name,
  role: membership.role,
  status: WORKSPACE_STATUS,
  current: membership.current,
});

/**
 * The caller's workspaces: the CLI's `workspaces` commands (docs/bearer-api.md, "Workspaces"). A
 * workspace the caller is not a member of, and a malformed id, answer the same 404 as one that does
 * not exist.
 */
@Controller('openapi/v1/workspaces')
// Every workspace route asks for `workspace:read`, switch included; `full` has it.
@BearerRoute(SCOPE.workspaceRead)
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspaceService,
    private readonly accountViews: AccountViewCache,
  ) {}

  /** Every joined workspace, oldest first. Memberships per account are few: paged in memory. */
  @Get()
  async list(
    @AccountCaller() caller: AccountBearer,
    @PageQueryParam() query: PageQuery,
  ): Promise<PageEnvelope<WorkspaceItem>> {
    const memberships = await this.workspaces.memberships(caller.accountId);
    const offset = Number(pageOffset(query));
    const page = memberships.slice(offset, offset + query.limit);
    return pageEnvelope(query, memberships.length, page.map(item));
  }

  @Get(':workspace_id')
  async get(
    @AccountCaller() caller: AccountBearer,
    @Param('workspace_id') workspaceId: string,
  ): Promise<WorkspaceDetail> {
    const membership = await this.membership(caller.accountId, workspaceId);
    return { ...item(membership), created_at: membership.createdAt.toISOString() };
  }

  @Post(':workspace_id/switch')
  @HttpCode(200)
  async switch(
    @AccountCaller() caller: AccountBearer,
    @Param('workspace_id') workspaceId: string,
    @ReqContext() context: RequestContext,
  ): Promise<WorkspaceItem> {
    if (!isUuid(workspaceId)) throw bearerApiError(BEARER_ERROR_CODES.workspaceNotFound);
    try {
      const membership = await this.workspaces.switch(caller.accountId, workspaceId, context);
      this.accountViews.evict(caller.accountId);
      return { ...item(membership), current: true };
    } catch (error) {
      // Identity's own wording differs from the bearer API's fixed message; the code is the same.
      if (error instanceof IdentityError && error.code === IDENTITY_ERROR_CODES.workspaceNotFound) {
        throw bearerApiError(BEARER_ERROR_CODES.workspaceNotFound);
      }
      throw error;
    }
  }

  private async membership(accountId: string, workspaceId: string): Promise<Membership> {
    const membership = isUuid(workspaceId)
      ? (await this.workspaces.memberships(accountId)).find((m) => m.workspaceId === workspaceId)
      : undefined;
    if (!membership) throw bearerApiError(BEARER_ERROR_CODES.workspaceNotFound);
    return membership;
  }
}
