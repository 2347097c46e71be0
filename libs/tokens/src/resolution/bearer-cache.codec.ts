import { isUuid, TOKEN_KINDS, TOKEN_PREFIX, type TokenPrefix } from '@dify/domain';
import type { ResolvedBearer } from './resolved-bearer';

/**
 * The positive `auth:token:<hash>` entry (docs/tokens.md, "The bearer cache"). Its fields are a
 * wire format read by every gateway replica, including ones running an older build: add fields,
 * never rename.
 */
interface BearerCacheEntry {
  readonly token_id: string;
  readonly subject_type: string;
  readonly subject_email: string;
  readonly subject_issuer: string;
  readonly account_id: string | null;
  readonly client_id: string;
  readonly prefix: string;
  readonly expires_at: string;
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function encodeBearerEntry(bearer: ResolvedBearer): string {
  const entry: BearerCacheEntry = {
    token_id: bearer.tokenId,
    subject_type: bearer.subjectType,
    subject_email: bearer.subjectEmail,
    subject_issuer: bearer.subjectIssuer,
    account_id: bearer.accountId,
    client_id: bearer.clientId,
    prefix: bearer.prefix,
    expires_at: bearer.expiresAt.toISOString(),
  };
  return JSON.stringify(entry);
}

/**
 * Reads a cached entry for the token presented with `prefix`. Anything that is not a well-formed
 * entry for that prefix answers null, which the resolver treats as a miss and overwrites: a value
 * written by a bug or by hand must never be trusted without SQL. That includes a broken binding
 * (`account_id` present exactly for `dfoa_`) and a prefix or subject type that disagrees with the
 * presented token.
 */
export function decodeBearerEntry(
  text: string,
  presented: TokenPrefix,
  tokenHash: string,
): ResolvedBearer | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const entry = parsed as Partial<Record<keyof BearerCacheEntry, unknown>>;
  const kind = TOKEN_KINDS[presented];
  if (
    !isUuid(entry.token_id) ||
    entry.prefix !== presented ||
    entry.subject_type !== kind.subjectType ||
    typeof entry.subject_email !== 'string' ||
    typeof entry.subject_issuer !== 'string' ||
    typeof entry.client_id !== 'string' ||
    typeof entry.expires_at !== 'string' ||
    !ISO_TIMESTAMP.test(entry.expires_at)
  ) {
    return null;
  }
  const accountId = entry.account_id;
  const bindingHolds = presented === TOKEN_PREFIX.account ? isUuid(accountId) : accountId === null;
  if (!bindingHolds) return null;
  const expiresAt = new Date(entry.expires_at);
  if (Number.isNaN(expiresAt.getTime())) return null;
  return {
    tokenId: entry.token_id,
    tokenHash,
    prefix: presented,
    subjectType: kind.subjectType,
    subjectEmail: entry.subject_email,
    subjectIssuer: entry.subject_issuer,
    accountId: isUuid(accountId) ? accountId : null,
    clientId: entry.client_id,
    scopes: kind.scopes,
    tokenType: kind.tokenType,
    expiresAt,
  };
}
