import { Inject, Injectable } from '@nestjs/common';
import { SUBJECT_TYPE } from '@dify/domain';
import {
  AccountDirectory,
  IDENTITY_RATE_LIMIT_WINDOW_SECONDS,
  identityRateLimitKey,
} from '@dify/identity';
import { RateLimiter } from '@dify/platform';
import type { AccountResponse } from './account.response';
import { type AccountView, AccountViewCache } from './account-view.cache';
import type { AccountBearer } from './account-caller.decorator';
import { BEARER_ERROR_CODES, bearerApiError } from './bearer-api.errors';
import { BEARER_API_SETTINGS, type BearerApiSettings } from './bearer-api.settings';

/** Who the token belongs to: the CLI's `whoami` (docs/bearer-api.md, "Account"). */
@Injectable()
export class AccountAnswer {
  constructor(
    @Inject(BEARER_API_SETTINGS) private readonly settings: BearerApiSettings,
    private readonly limiter: RateLimiter,
    private readonly accounts: AccountDirectory,
    private readonly views: AccountViewCache,
  ) {}

  async answer(caller: AccountBearer): Promise<AccountResponse> {
    // Per account on top of per token: one account cannot multiply its budget with many devices.
    await this.limiter.enforce(
      identityRateLimitKey.account(caller.accountId),
      this.settings.accountPerMinute,
      IDENTITY_RATE_LIMIT_WINDOW_SECONDS.account,
    );
    const view = await this.views.view(caller.accountId, () => this.load(caller.accountId));
    return { ...view, subject_type: SUBJECT_TYPE.account, subject_email: caller.subjectEmail };
  }

  private async load(accountId: string): Promise<AccountView> {
    const account = await this.accounts.find(accountId);
    if (!account) throw bearerApiError(BEARER_ERROR_CODES.accountNotFound);
    return {
      subject_type: SUBJECT_TYPE.account,
      account: { id: account.accountId, email: account.email, name: account.name },
      workspaces: account.memberships.map(({ id, name, role }) => ({ id, name, role })),
      default_workspace_id: account.defaultWorkspaceId,
    };
  }
}
