import { Controller, Get, Query } from '@nestjs/common';
import { DeviceLookupService } from '@dify/device-flow';
import { ReqContext, type RequestContext } from '@dify/platform';
import { invalidRequest } from './device-request-body';

/** The `/device` page checks a typed or linked user code before offering to approve it. */
@Controller()
export class DeviceLookupController {
  constructor(private readonly lookups: DeviceLookupService) {}

  @Get(['openapi/v1/oauth/device/lookup', 'v1/oauth/device/lookup'])
  async lookup(
    @Query() query: Record<string, unknown>,
    @ReqContext() context: RequestContext,
  ): Promise<Record<string, unknown>> {
    const userCode = query.user_code;
    if (userCode !== undefined && typeof userCode !== 'string') {
      throw invalidRequest('user_code is repeated');
    }
    return { ...(await this.lookups.lookup(userCode, context.ip)) };
  }
}
