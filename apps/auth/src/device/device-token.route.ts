import type { DeviceTokenService } from '@dify/device-flow';
import type { ErrorEnvelopeFilter } from '@dify/http-edge';
import type { FastifyInstance } from 'fastify';
import { assertDeviceCodeGrant } from './device-grant';
import { DeviceRequestBody } from './device-request-body';

export const DEVICE_TOKEN_PATHS = ['/openapi/v1/oauth/device/token', '/v1/oauth/device/token'];

/**
 * RFC 8628 §3.4–3.5: the client polls until the user approves or denies.
 *
 * This is the hottest endpoint of the system — every waiting CLI asks every five seconds and
 * almost always hears `authorization_pending` — so it is a plain Fastify route: no Nest router
 * pipeline, no per-request logger, and protocol answers as values rather than exceptions. Errors
 * still render through the same envelope filter as every other route.
 */
export function registerDeviceTokenRoute(
  fastify: FastifyInstance,
  tokens: DeviceTokenService,
  errors: ErrorEnvelopeFilter,
): void {
  for (const url of DEVICE_TOKEN_PATHS) {
    fastify.route({
      method: 'POST',
      url,
      errorHandler: (error, request, reply) => errors.reply(error, request, reply),
      handler: async (request, reply) => {
        const fields = DeviceRequestBody.read(request.headers['content-type'], request.body);
        assertDeviceCodeGrant(fields);
        const clientId = fields.requiredString('client_id');
        const deviceCode = fields.requiredString('device_code');
        const answer = await tokens.answer({
          deviceCode,
          clientId,
          ip: request.clientIp,
          requestId: request.id,
        });
        return answer.ok
          ? reply.code(200).send(answer.body)
          : reply
              .code(400)
              .send(
                answer.description === undefined
                  ? { error: answer.error }
                  : { error: answer.error, error_description: answer.description },
              );
      },
    });
  }
}
