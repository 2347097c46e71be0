import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import { DIFYCTL_VERSION } from '../version';
import { isRecord, sanitizeForDisplay, textField } from '../wire/wire-fields';
import type { HttpAnswer } from './http-client';

/** The `error` of a device-endpoint body (`{"error": "<code>"}`), when the body is one. */
export function deviceErrorCode(answer: HttpAnswer): string | undefined {
  return isRecord(answer.json) ? textField(answer.json, 'error', 64) : undefined;
}

/** `code` and `message` of a canonical error body (`{"code", "message", "status"}`). */
export function canonicalError(answer: HttpAnswer): { code?: string; message?: string } {
  if (!isRecord(answer.json)) return {};
  return { code: textField(answer.json, 'code', 64), message: textField(answer.json, 'message') };
}

/** Whole seconds from `Retry-After` (delta seconds or an HTTP date), at least 1. */
export function retryAfterSeconds(answer: HttpAnswer, now = Date.now()): number {
  const raw = answer.header('retry-after')?.trim() ?? '';
  if (/^[0-9]+$/.test(raw)) return Math.max(1, Number(raw));
  const date = Date.parse(raw);
  return Number.isNaN(date) ? 1 : Math.max(1, Math.ceil((date - now) / 1000));
}

/** The server's answer is not what a Dify server sends: HTML from a proxy, cut-off JSON, … */
export function malformedAnswer(answer: HttpAnswer, what: string): CliError {
  const shape = answer.json === undefined ? 'not JSON' : 'not the expected JSON';
  return new CliError(
    'invalid_response',
    `unexpected answer from the server to ${what} (HTTP ${answer.status}, ${shape})`,
    EXIT_CODE.generic,
    {
      hint: 'Check --server / DIFY_SERVER: it must point at the Dify API.',
      httpStatus: answer.status,
    },
  );
}

export function upgradeRequired(answer: HttpAnswer): CliError {
  return new CliError(
    'client_upgrade_required',
    `this server needs a newer difyctl than ${DIFYCTL_VERSION}`,
    EXIT_CODE.compatibility,
    { hint: 'Upgrade difyctl and try again.', httpStatus: answer.status },
  );
}

export function serverFailure(answer: HttpAnswer, what: string): CliError {
  return new CliError(
    'server_error',
    `the server failed to ${what} (HTTP ${answer.status})`,
    EXIT_CODE.generic,
    { hint: 'Try again later.', httpStatus: answer.status },
  );
}

export function rateLimited(answer: HttpAnswer): CliError {
  return new CliError(
    'rate_limited',
    `rate limited by the server; retry in ${retryAfterSeconds(answer)} s`,
    EXIT_CODE.generic,
    { httpStatus: answer.status },
  );
}

/** A generic failure for an HTTP status the caller has no better words for. */
export function unexpectedStatus(answer: HttpAnswer, what: string): CliError {
  const { code, message } = canonicalError(answer);
  const detail = message ?? code ?? deviceErrorCode(answer);
  return new CliError(
    code ?? deviceErrorCode(answer) ?? 'unexpected_status',
    `the server refused to ${what} (HTTP ${answer.status}${detail ? `: ${sanitizeForDisplay(detail)}` : ''})`,
    EXIT_CODE.generic,
    { httpStatus: answer.status },
  );
}
