import type { ErrorEnvelope } from './error-envelope';
import { PLATFORM_ERROR_CODES } from './error-envelope';

/**
 * The RFC 6749 §5.2 error body the device endpoints speak (docs/device-flow.md, "Error envelopes").
 */
export interface DeviceErrorBody {
  readonly error: string;
  readonly error_description?: string;
}

// Problems with the request itself are all `invalid_request` in the device protocol.
const REQUEST_PROBLEMS = new Set<string>([
  PLATFORM_ERROR_CODES.badRequest,
  PLATFORM_ERROR_CODES.invalidJson,
  PLATFORM_ERROR_CODES.invalidParam,
  PLATFORM_ERROR_CODES.payloadTooLarge,
  PLATFORM_ERROR_CODES.unsupportedMediaType,
]);

/** RFC 6749 allows only printable ASCII without `"` and `\\` in error_description. */
function describable(message: string): string | undefined {
  const cleaned = message.replace(/[^\x20-\x7e]|["\\]/g, '').trim();
  return cleaned.length > 0 ? cleaned.slice(0, 200) : undefined;
}

/**
 * The device-envelope form of an error. Failures of ours are `server_error` with nothing more
 * (`temporarily_unavailable` when a dependency is down);
 * request problems are `invalid_request` (a wrong content type included, as 400); a domain error
 * keeps its code and its message as the description.
 */
export function toDeviceEnvelope(
  envelope: ErrorEnvelope,
  fromDomain: boolean,
): { status: number; body: DeviceErrorBody } {
  // A domain error answering 502 or 503 is a deliberate answer the client acts on
  // (`bearer_auth_disabled`, `approval_outcome_unknown`, `user_code_exhausted`, ...), not a crash.
  const deliberate = fromDomain && (envelope.status === 502 || envelope.status === 503);
  if (envelope.status === 503 && !deliberate) {
    // RFC 6749 §4.1.2.1: the server cannot handle the request now; the client may retry.
    return { status: 503, body: { error: 'temporarily_unavailable' } };
  }
  if (envelope.status >= 500 && !deliberate) {
    return { status: envelope.status, body: { error: 'server_error' } };
  }
  if (REQUEST_PROBLEMS.has(envelope.code)) {
    return { status: envelope.status === 413 ? 413 : 400, body: { error: 'invalid_request' } };
  }
  const description = fromDomain ? describable(envelope.message) : undefined;
  return {
    status: envelope.status,
    body: { error: envelope.code, ...(description ? { error_description: description } : {}) },
  };
}
