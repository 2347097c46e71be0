import type { FastifyInstance } from 'fastify';
import { isApiPath, isFrameDeniedPath } from './protocol-paths';
import { routedPath } from './routed-path';

/**
 * Headers of the contract's §1.4, each added only when the handler did not set it already:
 * no framing on the API and device surfaces, and no caching of any API answer (they carry codes,
 * tokens, CSRF secrets or a person's account and devices). An onSend hook, so responses that
 * never reach a controller (a 404, a guard's error) carry them too.
 */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const path = routedPath(request);
    if (isFrameDeniedPath(path)) {
      if (!reply.hasHeader('x-frame-options')) void reply.header('x-frame-options', 'DENY');
      if (!reply.hasHeader('content-security-policy')) {
        void reply.header('content-security-policy', "frame-ancestors 'none'");
      }
    }
    if (isApiPath(path)) {
      if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
      if (!reply.hasHeader('pragma')) void reply.header('pragma', 'no-cache');
    }
    done(null, payload);
  });
}
