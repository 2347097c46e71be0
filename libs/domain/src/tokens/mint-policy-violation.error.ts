import { DomainError } from '../errors/domain.error';

/**
 * Error codes of the token area. `mint_policy_violation` is also the reason logged with the 500
 * (docs/tokens.md, "Mint policy"); renaming it breaks log queries and alerts.
 */
export const TOKEN_ERROR_CODE = {
  mintPolicyViolation: 'mint_policy_violation',
} as const;

/** One way a mint request differs from what its prefix requires. */
export interface MintPolicyDifference {
  readonly field: 'prefix' | 'subject_type' | 'scopes' | 'issuer' | 'binding';
  readonly reason: string;
}

/**
 * A mint request broke the prefix rules. It is always a server bug (the caller built the request),
 * so the edge answers 500 `server_error` and logs the differences, which carry no secrets.
 */
export class MintPolicyViolation extends DomainError {
  readonly differences: readonly MintPolicyDifference[];

  constructor(differences: readonly MintPolicyDifference[]) {
    super(
      TOKEN_ERROR_CODE.mintPolicyViolation,
      `mint policy violation: ${differences.map((d) => `${d.field}: ${d.reason}`).join('; ')}`,
      { differences },
    );
    this.differences = differences;
  }
}
