import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { DeviceTokenService } from '@dify/device-flow';
import { ReqContext, type RequestContext } from '@dify/platform';
import type { FastifyRequest } from 'fastify';
import { assertDeviceCodeGrant } from './device-grant';
import { DeviceRequestBody } from './device-request-body';

/** RFC 8628 §3.4–3.5: the client polls until the user approves or denies. */
@Controller()
export class DeviceTokenController {
  constructor(private readonly tokens: DeviceTokenService) {}

  @Post(['openapi/v1/oauth/device/token', 'v1/oauth/device/token'])
  @HttpCode(200)
  async poll(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @ReqContext() context: RequestContext,
  ): Promise<Record<string, unknown>> {
    const fields = DeviceRequestBody.read(request.headers['content-type'], body);
    assertDeviceCodeGrant(fields);
    const clientId = fields.requiredString('client_id');
    const deviceCode = fields.requiredString('device_code');
    return {
      ...(await this.tokens.poll({
        deviceCode,
        clientId,
        ip: context.ip,
        requestId: context.requestId,
      })),
    };
  }
}
