import { DeviceFlowError } from './device-flow.error';

/**
 * Every message the pages show for a failed call, keyed by error code: the one place to change
 * wording. Codes come from the server's answers (or from the status when it sent none).
 */
export const ERROR_COPY: Readonly<Record<string, string>> = {
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  no_session: 'Your sign-in has expired. Run difyctl auth login to start over.',
  csrf_mismatch: 'We could not verify the request. Refresh the page and try again.',
  forbidden: 'We could not verify the request. Refresh the page and try again.',
  expired_or_unknown: 'This code is no longer valid.',
  not_found: 'This code is no longer valid.',
  already_resolved: 'This code was already approved or denied.',
  state_lost: 'The request expired before approval finished. Run difyctl auth login again.',
  approve_in_progress: 'An approval for this device is already in progress.',
  approval_outcome_unknown:
    'We could not confirm the approval. Check your terminal; if it is still waiting, try again.',
  conflict: 'This code can no longer be approved.',
  server_error: 'Something went wrong on our side. Try again in a moment.',
  // Console sign-in.
  invalid_credentials: 'Incorrect email or password.',
  login_locked: 'Too many failed sign-ins. Try again later.',
  invalid_param: 'Enter your email address and password.',
};

export const DEFAULT_ERROR_COPY = 'Could not complete the request. Please try again.';

/** The copy for any thrown value; never the raw status, body or message. */
export function copyFor(error: unknown): string {
  if (!(error instanceof DeviceFlowError)) return DEFAULT_ERROR_COPY;
  if (error.code === 'login_locked' && error.retryAfterSeconds) {
    const minutes = Math.ceil(error.retryAfterSeconds / 60);
    return `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  }
  return copyForCode(error.code);
}

export function copyForCode(code: string): string {
  return Object.prototype.hasOwnProperty.call(ERROR_COPY, code)
    ? ERROR_COPY[code]
    : DEFAULT_ERROR_COPY;
}

export type LookupFailure = 'rate_limited' | 'failed' | 'expired';

/** How a failed code lookup is shown: rate limited, failed on the server, or (anything else) expired. */
export function classifyLookupError(error: unknown): LookupFailure {
  if (!(error instanceof DeviceFlowError)) return 'expired';
  if (error.code === 'rate_limited' || error.status === 429) return 'rate_limited';
  if (error.code === 'server_error' || error.status >= 500) return 'failed';
  return 'expired';
}
