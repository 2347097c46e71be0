import { DomainError } from '@dify/domain';
import { RATE_LIMIT_ERROR_CODE } from '@dify/platform';

/**
 * Error codes of the device endpoints (docs/device-flow.md, "Error codes"). They are wire values:
 * they travel as the device envelope's `error`, and difyctl, `openid-client` and the `/device` page
 * branch on them, so renaming one breaks every client in the field.
 *
 * The list covers every code of the device envelope, including the ones the HTTP layer produces
 * itself (session admission, CSRF, the version gate), so the edge has one table for the whole
 * device surface.
 */
export const DEVICE_ERROR_CODES = {
  invalidRequest: 'invalid_request',
  unsupportedClient: 'unsupported_client',
  unsupportedGrantType: 'unsupported_grant_type',
  invalidGrant: 'invalid_grant',
  authorizationPending: 'authorization_pending',
  slowDown: 'slow_down',
  accessDenied: 'access_denied',
  expiredToken: 'expired_token',
  invalidClient: 'invalid_client',
  noSession: 'no_session',
  csrfMismatch: 'csrf_mismatch',
  expiredOrUnknown: 'expired_or_unknown',
  alreadyResolved: 'already_resolved',
  approveInProgress: 'approve_in_progress',
  stateLost: 'state_lost',
  clientUpgradeRequired: 'client_upgrade_required',
  rateLimited: RATE_LIMIT_ERROR_CODE.rateLimited,
  serverError: 'server_error',
  approvalOutcomeUnknown: 'approval_outcome_unknown',
  bearerAuthDisabled: 'bearer_auth_disabled',
  userCodeExhausted: 'user_code_exhausted',
} as const;

export type DeviceErrorCode = (typeof DEVICE_ERROR_CODES)[keyof typeof DEVICE_ERROR_CODES];

/**
 * HTTP status per device error code (docs/device-flow.md, "Error codes"), for the edge only: the
 * library never speaks HTTP. The RFC 8628/6749 codes are all 400, as those RFCs require of the code
 * and token endpoints.
 */
export const DEVICE_ERROR_STATUSES: Readonly<Record<DeviceErrorCode, number>> = Object.freeze({
  invalid_request: 400,
  unsupported_client: 400,
  unsupported_grant_type: 400,
  invalid_grant: 400,
  authorization_pending: 400,
  slow_down: 400,
  access_denied: 400,
  expired_token: 400,
  invalid_client: 400,
  no_session: 401,
  csrf_mismatch: 403,
  expired_or_unknown: 404,
  already_resolved: 409,
  approve_in_progress: 409,
  state_lost: 409,
  client_upgrade_required: 426,
  rate_limited: 429,
  server_error: 500,
  approval_outcome_unknown: 503,
  bearer_auth_disabled: 503,
  user_code_exhausted: 503,
});

/** True when `code` is one of the device envelope's codes (so the edge can look up its status). */
export function isDeviceErrorCode(code: string): code is DeviceErrorCode {
  return Object.prototype.hasOwnProperty.call(DEVICE_ERROR_STATUSES, code);
}

/**
 * What the device-flow services throw on purpose. `code` is the wire `error`; `message` is for
 * logs and may become `error_description`, so it stays printable ASCII without `"` or `\` and
 * never names a code, token or email (docs/device-flow.md, "Error envelopes").
 */
export class DeviceFlowError extends DomainError {
  declare readonly code: DeviceErrorCode;

  constructor(code: DeviceErrorCode, message: string = code.replace(/_/g, ' ')) {
    super(code, message);
  }
}
