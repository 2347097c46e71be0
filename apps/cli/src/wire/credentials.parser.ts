import type { AccountSummary, Credentials, WorkspaceSummary } from '../config/credentials';
import { isRecord, type JsonRecord, textField } from './wire-fields';

// A token travels in an HTTP header, so it must be visible ASCII; the length bound keeps a
// corrupted file from producing an absurd header.
const TOKEN_PATTERN = /^[\x21-\x7e]{1,4096}$/;

export function isTokenText(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_PATTERN.test(value);
}

export function parseAccount(value: unknown): AccountSummary | null {
  if (!isRecord(value)) return null;
  const email = textField(value, 'email', 320);
  if (!email) return null;
  return { id: textField(value, 'id', 64) ?? '', email, name: textField(value, 'name', 255) ?? '' };
}

export function parseWorkspaces(value: unknown): WorkspaceSummary[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (!isRecord(item)) return [];
    const id = textField(item, 'id', 64);
    if (!id) return [];
    return [
      { id, name: textField(item, 'name', 255) ?? '', role: textField(item, 'role', 64) ?? '' },
    ];
  });
}

function nullableText(record: JsonRecord, name: string, maxLength = 1024): string | null {
  return textField(record, name, maxLength) ?? null;
}

/**
 * Credentials from the stored file, or null when the file does not describe a usable session
 * (an edited or truncated file is treated as no session rather than a crash).
 */
export function parseStoredCredentials(value: unknown): Credentials | null {
  if (!isRecord(value)) return null;
  const server = textField(value, 'server', 2048);
  const token = value.token;
  if (!server || !isTokenText(token)) return null;
  return {
    server,
    token,
    token_id: nullableText(value, 'token_id', 64),
    expires_at: nullableText(value, 'expires_at', 64),
    subject_type: textField(value, 'subject_type', 64) ?? 'account',
    account: parseAccount(value.account),
    subject_email: nullableText(value, 'subject_email', 320),
    subject_issuer: nullableText(value, 'subject_issuer', 2048),
    workspaces: parseWorkspaces(value.workspaces),
    default_workspace_id: nullableText(value, 'default_workspace_id', 64),
  };
}
