import { Controller, Get, Inject } from '@nestjs/common';
import { AccountRepository } from '@dify/db';
import { SCOPE, SUBJECT_TYPE } from '@dify/domain';
import { WorkspaceService } from '@dify/identity';
import { RATE_LIMIT_WINDOW_SECONDS, RateLimiter, rateLimitKey } from '@dify/platform';
import type { AccountResponse } from './account.response';
import { type AccountView, AccountViewCache } from './account-view.cache';
import { BEARER_ERROR_CODES, bearerApiError } from './bearer-api.errors';
import { BEARER_API_SETTINGS, type BearerApiSettings } from './bearer-api.settings';
import { type AccountBearer, AccountCaller } from './account-caller.decorator';
import { BearerRoute } from './bearer-route.decorator';

/** Who the token belongs to: the CLI's `whoami` (docs/bearer-api.md, "Account"). */
@Controller()
export class AccountController {
  constructor(
    @Inject(BEARER_API_SETTINGS) private readonly settings: BearerApiSettings,
    private readonly limiter: RateLimiter,
    private readonly accounts: AccountRepository,
    private readonly workspaces: WorkspaceService,
    private readonly views: AccountViewCache,
  ) {}

  // `/v1/me` is the legacy alias: the same handler, so the same buckets, body and headers.
  @Get(['openapi/v1/account', 'v1/me'])
  @BearerRoute(SCOPE.full)
  async account(@AccountCaller() caller: AccountBearer): Promise<AccountResponse> {
    // Per account on top of per token: one account cannot multiply its budget with many devices.
    await this.limiter.enforce(
      rateLimitKey.account(caller.accountId),
      this.settings.accountPerMinute,
      RATE_LIMIT_WINDOW_SECONDS.account,
    );
    const view = await this.views.view(caller.accountId, () => this.load(caller.accountId));
    return { ...view, subject_type: SUBJECT_TYPE.account, subject_email: caller.subjectEmail };
  }

  private async load(accountId: string): Promise<AccountView> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw bearerApiError(BEARER_ERROR_CODES.accountNotFound);
    const memberships = await this.workspaces.memberships(accountId);
    const defaultWorkspace = memberships.find((membership) => membership.current) ?? memberships[0];
    const view = {
      subject_type: SUBJECT_TYPE.account,
      account: { id: account.id, email: account.email, name: account.name },
      workspaces: memberships.map((membership) => ({
        id: membership.workspaceId,
        name: membership.name,
        role: membership.role,
      })),
      default_workspace_id: defaultWorkspace?.workspaceId ?? null,
    };
    return view;
  }
}
