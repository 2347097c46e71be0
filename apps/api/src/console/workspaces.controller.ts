import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import type { Membership } from '@dify/db';
import {
  type ConsoleIdentity,
  ConsoleSessionGuard,
  ConsoleUser,
  CsrfGuard,
  WorkspaceService,
} from '@dify/identity';
import { ReqContext } from '@dify/http-edge';
import type { RequestContext } from '@dify/platform';
import { AccountViewCache } from '../bearer/account-view.cache';
import { SwitchWorkspaceRequest } from './switch-workspace.request';

interface WorkspaceView {
  readonly id: string;
  readonly name: string;
  readonly role: string;
}

const view = (membership: Membership): WorkspaceView => ({
  id: membership.workspaceId,
  name: membership.name,
  role: membership.role,
});

@Controller('console/api/workspaces')
@UseGuards(ConsoleSessionGuard)
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspaceService,
    private readonly accountViews: AccountViewCache,
  ) {}

  @Get()
  async list(@ConsoleUser() user: ConsoleIdentity): Promise<{
    workspaces: (WorkspaceView & { current: boolean; created_at: string })[];
  }> {
    const memberships = await this.workspaces.memberships(user.accountId);
    return {
      workspaces: memberships.map((membership) => ({
        ...view(membership),
        current: membership.current,
        created_at: membership.createdAt.toISOString(),
      })),
    };
  }

  @Get('current')
  async current(@ConsoleUser() user: ConsoleIdentity): Promise<WorkspaceView> {
    return view(await this.workspaces.current(user.accountId));
  }

  @Post('switch')
  @HttpCode(200)
  @UseGuards(CsrfGuard)
  async switch(
    @ConsoleUser() user: ConsoleIdentity,
    @Body() body: SwitchWorkspaceRequest,
    @ReqContext() context: RequestContext,
  ): Promise<{ result: 'success'; new_tenant: WorkspaceView }> {
    const membership = await this.workspaces.switch(user.accountId, body.tenant_id, context);
    this.accountViews.evict(user.accountId);
    return { result: 'success', new_tenant: view(membership) };
  }
}
