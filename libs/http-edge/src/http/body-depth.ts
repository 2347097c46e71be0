import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error';
import { PLATFORM_ERROR_CODES } from '../errors/error-envelope';

/**
 * How deeply a request body may nest objects and arrays. Every body this system accepts is a
 * flat object; the bound only has to stop a hostile one before anything walks it recursively
 * (the validation pipe and class-transformer do, and overflow the stack past a few thousand).
 */
export const MAX_BODY_DEPTH = 32;

/**
 * True when the value nests objects or arrays deeper than `maxDepth` (a flat object is depth 1).
 * Iterative on purpose: a recursive walk would overflow on exactly the input it must refuse.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop() as { node: unknown; depth: number };
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null)
        pending.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}

/**
 * Refuses an over-deep body once it is parsed and before any route sees it, on every route of the
 * app (Nest controllers and plain Fastify routes alike). The error renders as 400 `invalid_param`,
 * or `invalid_request` on the device paths.
 */
export function registerBodyDepthLimit(fastify: FastifyInstance, maxDepth = MAX_BODY_DEPTH): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const body: unknown = request.body;
    if (typeof body !== 'object' || body === null || !nestsDeeperThan(body, maxDepth)) {
      done();
      return;
    }
    done(
      new ApiError(400, PLATFORM_ERROR_CODES.invalidParam, 'Request validation failed', [
        {
          type: 'max_depth',
          loc: ['body'],
          msg: `the body must not nest deeper than ${maxDepth} levels`,
        },
      ]),
    );
  });
}
