import type { FastifyRequest } from 'fastify';
import { pathOf } from './protocol-paths';

/**
 * The path a request was routed on: the matched route's pattern, or for a request no route
 * matched, its target normalised as the router reads it. Path-based policies (throttles, the
 * client-version gate, caching and framing headers) key on this, never on the raw target.
 */
export function routedPath(request: FastifyRequest): string {
  return request.routeOptions.url ?? pathOf(request.url);
}
