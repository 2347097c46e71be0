import pino, { type Logger, type LoggerOptions } from 'pino';
import { redactLogFields, serializeLoggedError } from './log-value.redactor';
import { redactUrl } from './redaction';
import { redactSecretText } from './secret-text';

interface LoggedRequest {
  readonly id?: unknown;
  readonly method?: unknown;
  readonly url?: unknown;
}

/**
 * Only these fields of a request are ever logged: headers carry cookies, CSRF values and bearer
 * tokens, and the query string may carry a user code.
 */
function serializeRequest(request: LoggedRequest): Record<string, unknown> {
  return {
    id: request.id,
    method: request.method,
    url: typeof request.url === 'string' ? redactUrl(request.url) : undefined,
  };
}

function serializeResponse(response: { readonly statusCode?: unknown }): Record<string, unknown> {
  return { statusCode: response.statusCode };
}

const SERIALIZERS = {
  err: serializeLoggedError,
  req: serializeRequest,
  res: serializeResponse,
};
const SERIALIZED_KEYS: ReadonlySet<string> = new Set(Object.keys(SERIALIZERS));

/**
 * The pino options every process logs with (HTTP services, worker, beat, the gateway's proxy and
 * the command-line tools), so no logger can be created without the redaction:
 * - every logged field is copied with secret keys hidden at any depth and errors flattened
 *   without the Redis command arguments ioredis attaches to them (`formatters.log`, `err`);
 * - the finished line, message and bindings included, has secret-shaped text replaced
 *   (tokens, device and user codes, JWTs, password hashes, URL passwords) just before it is
 *   written (`hooks.streamWrite`).
 */
export function serviceLoggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    serializers: SERIALIZERS,
    formatters: {
      level: (label: string) => ({ level: label }),
      log: (fields: Record<string, unknown>) => redactLogFields(fields, SERIALIZED_KEYS),
    },
    hooks: { streamWrite: redactSecretText },
  };
}

/** A logger outside Nest (the gateway's proxy, the command-line tools), redacting like the rest. */
export function createServiceLogger(service: string, level = 'info'): Logger {
  return pino(serviceLoggerOptions(service, level));
}
