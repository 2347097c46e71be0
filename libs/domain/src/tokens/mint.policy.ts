import { DEVICE_FLOW_LIMITS } from '../device-flow/device-flow.constants';
import { isUuid } from '../ids/uuid.rules';
import { MintPolicyViolation } from './mint-policy-violation.error';
import type { MintPolicyDifference } from './mint-policy-violation.error';
import { ACCOUNT_ISSUER, TOKEN_KINDS, TOKEN_PREFIX } from './token.constants';
import type { Scope, SubjectType, TokenPrefix } from './token.constants';

/** What a caller intends to mint, before anything is written. */
export interface MintRequest {
  readonly prefix: string;
  readonly subjectType: string;
  /** `dfoa_`: absent or the sentinel. `dfoe_`: the IdP issuer. */
  readonly subjectIssuer?: string | null;
  readonly accountId?: string | null;
  readonly scopes: readonly string[];
}

/** A request that passed the policy, with the values to store (the issuer resolved to the sentinel). */
export interface MintPermit {
  readonly prefix: TokenPrefix;
  readonly subjectType: SubjectType;
  readonly subjectIssuer: string;
  readonly accountId: string | null;
  readonly scopes: readonly Scope[];
}

// Values echoed into the error are cut short: the error is logged, and an issuer has no length cap
// until it has passed this check.
const ECHO_LIMIT = 64;

/**
 * The mint policy of docs/tokens.md, "Mint policy", run before any database or Redis call. It
 * checks every rule and throws one `MintPolicyViolation` naming every difference, so a bug is
 * diagnosed in one go:
 *
 * - `dfoa_`: subject `account`, a UUID `accountId`, scopes exactly {full}, issuer absent or exactly
 *   `dify:account` (stored as the sentinel, never NULL);
 * - `dfoe_`: subject `external_sso`, no `accountId`, scopes exactly {apps:run,
 *   apps:read:permitted-external}, issuer non-blank after trimming and at most 255 characters,
 *   and not the account sentinel;
 * - any other prefix is refused outright: there is nothing to compare the other fields with.
 */
export function enforceMintPolicy(request: MintRequest): MintPermit {
  const prefix = exactPrefix(request.prefix);
  if (prefix === null) {
    // The value itself is not echoed: a caller that confused fields could have passed a token here.
    throw new MintPolicyViolation([{ field: 'prefix', reason: 'must be exactly dfoa_ or dfoe_' }]);
  }
  const kind = TOKEN_KINDS[prefix];
  const differences: MintPolicyDifference[] = [];

  if (request.subjectType !== kind.subjectType) {
    differences.push({
      field: 'subject_type',
      reason: `${prefix} requires ${echo(kind.subjectType)}, got ${echo(request.subjectType)}`,
    });
  }

  if (!sameScopeSet(request.scopes, kind.scopes)) {
    differences.push({
      field: 'scopes',
      reason: `${prefix} requires exactly [${kind.scopes.join(', ')}], got [${request.scopes.map(echo).join(', ')}]`,
    });
  }

  const issuer = request.subjectIssuer;
  let storedIssuer = ACCOUNT_ISSUER;
  if (prefix === TOKEN_PREFIX.account) {
    if (issuer !== undefined && issuer !== null && issuer !== ACCOUNT_ISSUER) {
      differences.push({
        field: 'issuer',
        reason: `${prefix} requires the issuer to be absent or ${echo(ACCOUNT_ISSUER)}, got ${echo(issuer)}`,
      });
    }
    if (!isUuid(request.accountId)) {
      differences.push({
        field: 'binding',
        reason: `${prefix} requires an account_id (lower-case UUID), got ${request.accountId == null ? 'none' : echo(request.accountId)}`,
      });
    }
  } else {
    if (typeof issuer !== 'string' || issuer.trim() === '') {
      differences.push({
        field: 'issuer',
        reason: `${prefix} requires a non-blank issuer, got ${issuer == null ? 'none' : echo(issuer)}`,
      });
    } else if (issuer === ACCOUNT_ISSUER) {
      // The sentinel is reserved: a dfoe_ row under it would share a device identity with the
      // account's own dfoa_ row, and rotate-in-place would overwrite one with the other.
      differences.push({
        field: 'issuer',
        reason: `${prefix} must not use the reserved ${echo(ACCOUNT_ISSUER)}`,
      });
    } else if (Array.from(issuer).length > DEVICE_FLOW_LIMITS.subjectIssuerMaxLength) {
      differences.push({
        field: 'issuer',
        reason: `${prefix} requires an issuer of at most ${DEVICE_FLOW_LIMITS.subjectIssuerMaxLength} characters, got ${Array.from(issuer).length}`,
      });
    } else {
      storedIssuer = issuer;
    }
    if (request.accountId !== undefined && request.accountId !== null) {
      differences.push({
        field: 'binding',
        reason: `${prefix} must not be bound to an account_id, got one`,
      });
    }
  }

  if (differences.length > 0) {
    throw new MintPolicyViolation(differences);
  }
  return {
    prefix,
    subjectType: kind.subjectType,
    subjectIssuer: storedIssuer,
    accountId: prefix === TOKEN_PREFIX.account ? (request.accountId ?? null) : null,
    scopes: kind.scopes,
  };
}

function exactPrefix(value: string): TokenPrefix | null {
  return value === TOKEN_PREFIX.account || value === TOKEN_PREFIX.externalSso ? value : null;
}

// Order does not matter; a duplicate does, because "exactly {full}" is not ["full", "full"].
function sameScopeSet(actual: readonly string[], expected: readonly Scope[]): boolean {
  return (
    actual.length === expected.length &&
    new Set(actual).size === actual.length &&
    actual.every((scope) => (expected as readonly string[]).includes(scope))
  );
}

// Takes `unknown` because callers outside TypeScript's reach (parsed payloads) can pass anything.
function echo(value: unknown): string {
  const quoted = JSON.stringify(value) ?? String(value);
  return quoted.length > ECHO_LIMIT ? `${quoted.slice(0, ECHO_LIMIT)}…` : quoted;
}
