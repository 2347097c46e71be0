import type { FastifyRequest } from 'fastify';
import { pathOf } from './protocol-paths';

// Fastify builds a fresh options object on every `routeOptions` read, and the path policies ask
// for the route up to five times per request (throttles, version gate, headers, metrics). The
// route of a request is fixed when the request object is made, so one read serves them all.
const routeUrls = new WeakMap<FastifyRequest, string | null>();

/** The matched route's pattern, or `undefined` for a request no route matched. */
export function routeUrlOf(request: FastifyRequest): string | undefined {
  let url = routeUrls.get(request);
  if (url === undefined) {
    url = request.routeOptions.url ?? null;
    routeUrls.set(request, url);
  }
  return url ?? undefined;
}

/**
 * The path a request was routed on: the matched route's pattern, or for a request no route
 * matched, its target normalised as the router reads it. Path-based policies (throttles, the
 * client-version gate, caching and framing headers) key on this, never on the raw target.
 */
export function routedPath(request: FastifyRequest): string {
  return routeUrlOf(request) ?? pathOf(request.url);
}
