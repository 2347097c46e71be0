import type { DeviceAuthorizationService } from '@dify/device-flow';
import { OUTAGE_RETRY_AFTER_SECONDS } from '@dify/http-edge';
import { isDependencyOutage, RateLimitExceededError } from '@dify/platform';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';

/**
 * The issuance route's `onRequest` hook: charges the per-IP issuance bucket before the body is
 * even parsed (docs/device-flow.md, "Rate limits"), so a flood of junk bodies is throttled like a
 * flood of good ones. A route hook runs for whatever spelling of the path the router matched, and
 * no other route pays for the check.
 */
export function issuanceThrottle(authorization: DeviceAuthorizationService): onRequestHookHandler {
  // Callback style: no promise of the hook's own on top of the bucket's.
  return (request, reply, done) => {
    authorization.assertIssuanceAllowed(request.clientIp).then(
      () => done(),
      (error: unknown) => refuse(request, reply, error),
    );
  };
}

/** A hook's refusal is written here, in the device envelope the protocol documents. */
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
