import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

// A caller-supplied id is echoed only when it is short and printable, so it cannot forge log lines.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const assigned = new WeakMap<IncomingMessage, string>();

/**
 * The request id of one HTTP request: the caller's `X-Request-Id` when acceptable, else a new
 * UUID. Fastify and pino-http both ask, so the answer is remembered per request.
 */
export function requestIdOf(request: IncomingMessage): string {
  const known = assigned.get(request);
  if (known) return known;
  const header = request.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(header) ? header[0] : header;
  const id = candidate && ACCEPTABLE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
  assigned.set(request, id);
  return id;
}
