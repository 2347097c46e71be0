import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { DeviceAuthorizationService } from '@dify/device-flow';
import { ReqContext } from '@dify/http-edge';
import type { RequestContext } from '@dify/platform';
import type { FastifyRequest } from 'fastify';
import { DeviceRequestBody, invalidRequest } from './device-request-body';

/** RFC 8628 §3.1–3.2: a client asks for a device code and a user code. */
@Controller()
export class DeviceAuthorizationController {
  constructor(private readonly authorization: DeviceAuthorizationService) {}

  // The per-IP bucket is charged before the body is parsed, by the issuance throttle hook.
  @Post(['openapi/v1/oauth/device/code', 'v1/oauth/device/code'])
  @HttpCode(200)
  async issue(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @ReqContext() context: RequestContext,
  ): Promise<Record<string, unknown>> {
    const fields = DeviceRequestBody.read(request.headers['content-type'], body);
    const clientId = fields.get('client_id');
    if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > 64) {
      throw invalidRequest('client_id is required');
    }
    return {
      ...(await this.authorization.start({
        clientId,
        deviceLabel: fields.optionalString('device_label'),
        userAgent: context.userAgent,
        ip: context.ip,
      })),
    };
  }
}
