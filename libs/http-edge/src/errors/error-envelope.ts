/** The canonical error body of every non-device route (docs/device-flow.md, "Error envelopes"). */
export interface ErrorEnvelope {
  readonly code: string;
  readonly message: string;
  readonly status: number;
  readonly details?: unknown;
}

/** Codes the HTTP edge itself emits; renaming one breaks clients that branch on it. */
export const PLATFORM_ERROR_CODES = {
  badRequest: 'bad_request',
  forbidden: 'forbidden',
  internal: 'internal_server_error',
  invalidJson: 'invalid_json',
  invalidParam: 'invalid_param',
  methodNotAllowed: 'method_not_allowed',
  notFound: 'not_found',
  payloadTooLarge: 'payload_too_large',
  serviceUnavailable: 'service_unavailable',
  tooManyRequests: 'too_many_requests',
  unauthorized: 'unauthorized',
  unsupportedMediaType: 'unsupported_media_type',
} as const;

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: PLATFORM_ERROR_CODES.badRequest,
  401: PLATFORM_ERROR_CODES.unauthorized,
  403: PLATFORM_ERROR_CODES.forbidden,
  404: PLATFORM_ERROR_CODES.notFound,
  405: PLATFORM_ERROR_CODES.methodNotAllowed,
  413: PLATFORM_ERROR_CODES.payloadTooLarge,
  415: PLATFORM_ERROR_CODES.unsupportedMediaType,
  429: PLATFORM_ERROR_CODES.tooManyRequests,
  503: PLATFORM_ERROR_CODES.serviceUnavailable,
};

export function defaultCodeFor(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? PLATFORM_ERROR_CODES.internal : 'error');
}

export function internalErrorEnvelope(): ErrorEnvelope {
  return { code: PLATFORM_ERROR_CODES.internal, message: 'Internal Server Error', status: 500 };
}

/**
 * How long a client should wait before retrying a request refused by an outage (see
 * `isDependencyOutage`) or by a service that is shutting down: the 503's Retry-After.
 */
export const OUTAGE_RETRY_AFTER_SECONDS = 2;

/** A dependency (Postgres, Redis) is down: the request may succeed when retried a little later. */
export function serviceUnavailableEnvelope(): ErrorEnvelope {
  return {
    code: PLATFORM_ERROR_CODES.serviceUnavailable,
    message: 'The service is temporarily unavailable; retry shortly',
    status: 503,
  };
}
