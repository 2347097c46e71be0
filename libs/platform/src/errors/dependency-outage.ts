/**
 * Recognises errors that mean "Postgres or Redis cannot answer right now" rather than "this
 * request or this code is wrong". At the HTTP edge such failures answer 503 with a Retry-After, so clients back
 * off and retry and load balancers look elsewhere, instead of a 500 that reads as a bug.
 */

// Node socket errors of a connection that is gone or never came up.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

// SQLSTATE: class 08 is "connection exception"; 57P01-03 are server shutdown or start-up;
// 53300 is too many connections.
const POSTGRES_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;

// Messages ioredis, BullMQ and node-postgres use for a connection that is down or too slow.
const UNAVAILABLE_MESSAGES = [
  /^Connection is closed\.?$/,
  /enableOfflineQueue options is false/,
  /^Command timed out$/,
  /^Reached the max retries per request limit/,
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Connection timed out$/,
];

// Redis replies that say the server cannot serve writes or reads for now, whatever the command.
const REDIS_UNAVAILABLE_REPLY =
  /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|MISCONF|OOM)\b/;

interface ErrorLike {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly driverError?: unknown;
  readonly cause?: unknown;
}

function looksUnavailable(error: ErrorLike): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code)) return true;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  const message = typeof error.message === 'string' ? error.message : '';
  if (error.name === 'ReplyError' && REDIS_UNAVAILABLE_REPLY.test(message)) return true;
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * The reply word (`OOM`, `READONLY`, ...) when the error, or one it wraps, is Redis refusing a
 * command on a live connection. No connection watcher sees those: the connection is fine, the
 * server is not, and only the request's own log line tells an operator why.
 */
export function redisRefusalOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const candidate = current as ErrorLike;
    const message = typeof candidate.message === 'string' ? candidate.message : '';
    const refusal = candidate.name === 'ReplyError' ? REDIS_UNAVAILABLE_REPLY.exec(message) : null;
    if (refusal) return refusal[1];
    current = candidate.driverError ?? candidate.cause;
  }
  return undefined;
}

/**
 * Whether the error, or an error it wraps (TypeORM's `driverError`, a `cause`), reports an
 * unreachable or refusing Postgres or Redis.
 */
export function isDependencyOutage(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const candidate = current as ErrorLike;
    if (looksUnavailable(candidate)) return true;
    current = candidate.driverError ?? candidate.cause;
  }
  return false;
}
