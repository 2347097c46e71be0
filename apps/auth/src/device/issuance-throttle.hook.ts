import type { DeviceAuthorizationService } from '@dify/device-flow';
import { OUTAGE_RETRY_AFTER_SECONDS, routedPath } from '@dify/http-edge';
import { isDependencyOutage, RateLimitExceededError } from '@dify/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const CODE_PATHS = new Set(['/openapi/v1/oauth/device/code', '/v1/oauth/device/code']);

/**
 * Charges the per-IP issuance bucket before the body is even parsed
 * (docs/device-flow.md, "Rate limits"), so a flood of junk bodies is throttled like a flood of good
 * ones.
 */
export function registerIssuanceThrottle(
  fastify: FastifyInstance,
  authorization: DeviceAuthorizationService,
): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    // Callback style: every request passes here, and only issuance requests pay for a promise.
    if (request.method !== 'POST' || !CODE_PATHS.has(routedPath(request))) {
      done();
      return;
    }
    authorization.assertIssuanceAllowed(request.clientIp).then(
      () => done(),
      (error: unknown) => refuse(request, reply, error),
    );
  });
}

/** Outside Nest's filters here, so the device envelope is written by hand. */
function refuse(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (error instanceof RateLimitExceededError) {
    void reply
      .status(429)
      .header('retry-after', String(error.retryAfterSeconds))
      .send({ error: 'rate_limited' });
    return;
  }
  if (isDependencyOutage(error)) {
    void reply
      .status(503)
      .header('retry-after', String(OUTAGE_RETRY_AFTER_SECONDS))
      .send({ error: 'temporarily_unavailable' });
    return;
  }
  request.log.error({ err: error }, 'issuance throttle failed');
  void reply.status(500).send({ error: 'server_error' });
}
