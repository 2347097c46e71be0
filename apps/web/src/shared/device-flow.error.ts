/**
 * What every service call of the pages throws on a non-2xx answer. `code` is the body's `error`
 * (device endpoints) or `code` (console endpoints); without one it is derived from the status.
 * The raw status and body are never shown to the person: the copy comes from the error-copy map.
 */
export class DeviceFlowError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    /** From `Retry-After`, when the server sent one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${code} (${status})`);
    this.name = 'DeviceFlowError';
  }

  static fromResponse(status: number, body: unknown, retryAfter?: string | null): DeviceFlowError {
    const seconds = retryAfter ? Number.parseInt(retryAfter, 10) : Number.NaN;
    return new DeviceFlowError(
      codeFromBody(body) ?? codeFromStatus(status),
      status,
      Number.isFinite(seconds) && seconds > 0 ? seconds : undefined,
    );
  }
}

const CODE_SHAPE = /^[a-z][a-z0-9_]{0,63}$/;

function codeFromBody(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const { error, code } = body as { error?: unknown; code?: unknown };
  for (const candidate of [error, code]) {
    if (typeof candidate === 'string' && CODE_SHAPE.test(candidate)) return candidate;
  }
  return null;
}

export function codeFromStatus(status: number): string {
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'no_session';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'server_error';
  return 'unknown';
}
