import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { DeviceDecisionService, DeviceFlowError } from '@dify/device-flow';
import { type ConsoleIdentity, ConsoleSessionGuard, ConsoleUser, CsrfGuard } from '@dify/identity';
import { ReqContext, type RequestContext } from '@dify/platform';
import type { FastifyRequest } from 'fastify';
import { ApproverDirectory } from './approver.directory';
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
    private readonly approvers: ApproverDirectory,
  ) {}

  @Post('approve')
  @HttpCode(200)
  async approve(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @ConsoleUser() user: ConsoleIdentity,
    @ReqContext() context: RequestContext,
  ): Promise<{ status: string }> {
    const userCode = this.userCodeOf(request, body);
    const approver = await this.approvers.load(user.accountId);
    if (!approver) throw new DeviceFlowError('no_session', 'sign in again');
    return this.decisions.approve({ userCode, approver, sessionId: user.sessionId, context });
  }

  @Post('deny')
  @HttpCode(200)
  async deny(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @ConsoleUser() user: ConsoleIdentity,
    @ReqContext() context: RequestContext,
  ): Promise<{ status: string }> {
    const userCode = this.userCodeOf(request, body);
    return this.decisions.deny({
      userCode,
      actorAccountId: user.accountId,
      sessionId: user.sessionId,
      context,
    });
  }

  private userCodeOf(request: FastifyRequest, body: unknown): string {
    return DeviceRequestBody.read(request.headers['content-type'], body, ['json']).requiredString(
      'user_code',
    );
  }
}
