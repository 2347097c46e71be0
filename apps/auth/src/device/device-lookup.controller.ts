import { Controller, Get, Query, Req } from '@nestjs/common';
import { DeviceLookupService } from '@dify/device-flow';
import { ConsoleCookies, ConsoleSessionService } from '@dify/identity';
import { ReqContext } from '@dify/http-edge';
import type { RequestContext } from '@dify/platform';
import type { FastifyRequest } from 'fastify';
import { invalidRequest } from './device-request-body';

/** The `/device` page checks a typed or linked user code before offering to approve it. */
@Controller()
export class DeviceLookupController {
  constructor(
    private readonly lookups: DeviceLookupService,
    private readonly sessions: ConsoleSessionService,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Get(['openapi/v1/oauth/device/lookup', 'v1/oauth/device/lookup'])
  async lookup(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @ReqContext() context: RequestContext,
  ): Promise<Record<string, unknown>> {
    const userCode = query.user_code;
    if (userCode !== undefined && typeof userCode !== 'string') {
      throw invalidRequest('user_code is repeated');
    }
    const accountId = await this.signedInAccount(request);
    return { ...(await this.lookups.lookup(userCode, context.ip, accountId)) };
  }

  /**
   * The account of a live console session, whose failed lookups come out of its own budget
   * rather than the anonymous one. A cookie that does not verify is no session: anonymous.
   */
  private async signedInAccount(request: FastifyRequest): Promise<string | undefined> {
    const claims = await this.sessions.claimsOf(this.cookies.read(request, 'access'));
    if (!claims) return undefined;
    return (await this.sessions.authenticate(claims))?.accountId;
  }
}
