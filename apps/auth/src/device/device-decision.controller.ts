import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { type DecisionAdmission, DeviceDecisionService, DeviceFlowError } from '@dify/device-flow';
import {
  AccountDirectory,
  type ConsoleIdentity,
  ConsoleSessionGuard,
  ConsoleUser,
  CsrfGuard,
} from '@dify/identity';
import { ReqContext } from '@dify/http-edge';
import type { RequestContext } from '@dify/platform';
import type { FastifyRequest } from 'fastify';
import { DeviceRequestBody } from './device-request-body';

/**
 * A signed-in console user approves or denies a pending code. Admission is the console session,
 * then CSRF double-submit; the identity comes only from the session, never from the body.
 */
@Controller('openapi/v1/oauth/device')
@UseGuards(ConsoleSessionGuard, CsrfGuard)
export class DeviceDecisionController {
  constructor(
    private readonly decisions: DeviceDecisionService,
    private readonly accounts: AccountDirectory,
  ) {}

  @Post('approve')
  @HttpCode(200)
  async approve(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @ConsoleUser() user: ConsoleIdentity,
    @ReqContext() context: RequestContext,
  ): Promise<{ status: string }> {
    const admission = await this.admissionOf(request, user);
    const userCode = this.userCodeOf(request, body);
    // The approver and every membership, loaded before anything touches tokens: a failure here
    // mints nothing (docs/device-flow.md, "Approval").
    const approver = await this.accounts.find(user.accountId);
    if (!approver) throw new DeviceFlowError('no_session', 'sign in again');
    return this.decisions.approve({ admission, userCode, approver, context });
  }

  @Post('deny')
  @HttpCode(200)
  async deny(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @ConsoleUser() user: ConsoleIdentity,
    @ReqContext() context: RequestContext,
  ): Promise<{ status: string }> {
    const admission = await this.admissionOf(request, user);
    const userCode = this.userCodeOf(request, body);
    return this.decisions.deny({ admission, userCode, context });
  }

  /**
   * The admission the request hook made before the body was parsed. Its account is the one the
   * guards just authenticated (both read the same access cookie); admitting here instead is only
   * a fallback that keeps the order right should the hook not have run.
   */
  private async admissionOf(
    request: FastifyRequest,
    user: ConsoleIdentity,
  ): Promise<DecisionAdmission> {
    const admitted = request.decisionAdmission;
    if (admitted?.accountId === user.accountId) return admitted;
    return this.decisions.admit(user.accountId);
  }

  private userCodeOf(request: FastifyRequest, body: unknown): string {
    return DeviceRequestBody.read(request.headers['content-type'], body, ['json']).requiredString(
      'user_code',
    );
  }
}
