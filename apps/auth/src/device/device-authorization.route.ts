import type { DeviceAuthorizationService } from '@dify/device-flow';
import type { ErrorEnvelopeFilter } from '@dify/http-edge';
import type { FastifyInstance } from 'fastify';
import { DeviceRequestBody, invalidRequest } from './device-request-body';
import { issuanceThrottle } from './issuance-throttle.hook';

export const DEVICE_CODE_PATHS = ['/openapi/v1/oauth/device/code', '/v1/oauth/device/code'];

/** Longest client_id the endpoint reads; longer ones are a bad request, not an unknown client. */
const CLIENT_ID_MAX_LENGTH = 64;

/**
 * RFC 8628 §3.1–3.2: a client asks for a device code and a user code.
 *
 * Every CLI sign-in starts here, so like the token route it is a plain Fastify route rather than
 * a Nest controller: the router pipeline (execution context, parameter decorators, pipes that
 * leave an untyped body alone) cost more than the handler itself. The app-wide hooks still run
 * as for every route (request id, client-version gate, security headers, body depth, metrics,
 * the request logger), errors render through the same envelope filter, and the per-IP bucket is
 * charged before the body is parsed by the route's own `onRequest` hook.
 */
export function registerDeviceAuthorizationRoute(
  fastify: FastifyInstance,
  authorization: DeviceAuthorizationService,
  errors: ErrorEnvelopeFilter,
): void {
  const throttle = issuanceThrottle(authorization);
  for (const url of DEVICE_CODE_PATHS) {
    fastify.route({
      method: 'POST',
      url,
      onRequest: throttle,
      errorHandler: (error, request, reply) => errors.reply(error, request, reply),
      handler: async (request, reply) => {
        const fields = DeviceRequestBody.read(request.headers['content-type'], request.body);
        const clientId = fields.get('client_id');
        if (
          typeof clientId !== 'string' ||
          clientId.length === 0 ||
          clientId.length > CLIENT_ID_MAX_LENGTH
        ) {
          throw invalidRequest('client_id is required');
        }
        const issued = await authorization.start({
          clientId,
          deviceLabel: fields.optionalString('device_label'),
          // An empty User-Agent counts as none: the label then falls back to the client id.
          userAgent: request.headers['user-agent'] || undefined,
          ip: request.clientIp,
        });
        return reply.code(200).send(issued);
      },
    });
  }
}
