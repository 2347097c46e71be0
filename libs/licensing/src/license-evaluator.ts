import { createPublicKey, createPrivateKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { generateUuidV7, LicenseStatus } from '@dify/domain';

/**
 * Claim values of the licence format. They are inside every licence ever issued; changing one
 * makes every installed licence evaluate as `inactive`.
 */
export const LICENSE_FORMAT = {
  alg: 'EdDSA',
  typ: 'JWT',
  issuer: 'dify-license',
  edition: 'enterprise',
} as const;

export interface LicenseEvaluationInput {
  /** `LICENSE_KEY`: a compact JWS. Empty or absent means no licence is installed. */
  readonly licenseKey: string | null | undefined;
  /** `LICENSE_PUBLIC_KEY`: PEM SPKI Ed25519, real or `\n`-escaped newlines. */
  readonly publicKeyPem: string | null | undefined;
  readonly now: Date;
  /** `LICENSE_EXPIRING_DAYS`: a valid licence this close to `exp` reports `expiring`. */
  readonly expiringDays: number;
}

export interface LicenseEvaluation {
  readonly status: LicenseStatus;
  /** ISO 8601 of `exp`; set exactly for `active`, `expiring` and `expired`. */
  readonly expiresAt: string | null;
  /** The `sub` claim; set exactly when `expiresAt` is. */
  readonly licensee?: string;
}

export interface SignLicenseInput {
  readonly privateKeyPem: string;
  readonly licensee: string;
  readonly expiresAt: Date;
  readonly issuedAt?: Date;
  readonly notBefore?: Date;
  readonly licenseId?: string;
}

export interface LicenseKeyPair {
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

const SECONDS_PER_DAY = 86_400;
// Largest |ms| a JS Date can hold; an `exp` beyond it cannot be turned into `expiresAt`.
const MAX_DATE_MS = 8.64e15;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ED25519_SIGNATURE_BYTES = 64;
const SPKI_PEM_HEADER = '-----BEGIN PUBLIC KEY-----';

const INACTIVE: LicenseEvaluation = { status: LicenseStatus.inactive, expiresAt: null };
const LOST: LicenseEvaluation = { status: LicenseStatus.lost, expiresAt: null };

/**
 * Licence status from the configured key (docs/licensing.md, "The licence key"). Pure (the clock is
 * an input), and it never throws: every way a key can be wrong is `inactive`, so a bad deployment
 * degrades to the community feature set instead of failing to start. An unusable `now` or
 * `expiringDays` is `lost`.
 */
export function evaluateLicense(input: LicenseEvaluationInput): LicenseEvaluation {
  const token = input.licenseKey?.trim() ?? '';
  if (token === '') {
    return { status: LicenseStatus.none, expiresAt: null };
  }
  // A broken clock or setting cannot be judged either way; answering `active` for NaN comparisons
  // would silently unlock enterprise features.
  if (
    !Number.isFinite(input.now.getTime()) ||
    !Number.isFinite(input.expiringDays) ||
    input.expiringDays < 0
  ) {
    return LOST;
  }
  try {
    return evaluateToken(token, input);
  } catch {
    // Every expected failure is handled as `inactive`; reaching here means evaluation itself
    // broke: the status cannot be determined, which is `lost` (docs/licensing.md, "Statuses").
    return LOST;
  }
}

function evaluateToken(token: string, input: LicenseEvaluationInput): LicenseEvaluation {
  const publicKey = parsePublicKey(input.publicKeyPem);
  if (publicKey === null) {
    return INACTIVE;
  }
  const parts = token.split('.');
  if (parts.length !== 3) {
    return INACTIVE;
  }
  const [encodedHeader, encodedPayload, encodedSignature] = parts;
  const header = decodeJsonObject(encodedHeader);
  const payload = decodeJsonObject(encodedPayload);
  const signature = decodeBase64url(encodedSignature);
  if (header === null || payload === null || signature === null) {
    return INACTIVE;
  }
  // Pin the algorithm from our side rather than trusting the header; `crit` extensions are not
  // understood, so RFC 7515 §4.1.11 says to reject them.
  if (
    header.alg !== LICENSE_FORMAT.alg ||
    (header.typ !== undefined && header.typ !== LICENSE_FORMAT.typ)
  ) {
    return INACTIVE;
  }
  if (header.crit !== undefined || signature.length !== ED25519_SIGNATURE_BYTES) {
    return INACTIVE;
  }
  const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii');
  if (!verify(null, signingInput, publicKey, signature)) {
    return INACTIVE;
  }

  const { iss, sub, exp, nbf, iat, edition } = payload;
  if (iss !== LICENSE_FORMAT.issuer || typeof sub !== 'string' || sub.trim() === '') {
    return INACTIVE;
  }
  if (edition !== undefined && edition !== LICENSE_FORMAT.edition) {
    return INACTIVE;
  }
  if (
    !isNumericDate(exp) ||
    (nbf !== undefined && !isNumericDate(nbf)) ||
    (iat !== undefined && !isNumericDate(iat))
  ) {
    return INACTIVE;
  }

  const nowSeconds = input.now.getTime() / 1000;
  if (nbf !== undefined && nbf > nowSeconds) {
    return INACTIVE;
  }
  const expiresAt = new Date(exp * 1000).toISOString();
  // `exp` is the first instant the licence is no longer valid (RFC 7519 §4.1.4).
  if (exp <= nowSeconds) {
    return { status: LicenseStatus.expired, expiresAt, licensee: sub };
  }
  if (exp - nowSeconds <= input.expiringDays * SECONDS_PER_DAY) {
    return { status: LicenseStatus.expiring, expiresAt, licensee: sub };
  }
  return { status: LicenseStatus.active, expiresAt, licensee: sub };
}

/**
 * Signs a licence in the format `evaluateLicense` accepts. Used by tests and mirrored by
 * `tools/license.mjs` (its spec checks the two stay compatible).
 */
export function signLicense(input: SignLicenseInput): string {
  const privateKey = createPrivateKey(unescapePem(input.privateKeyPem));
  const issuedAt = input.issuedAt ?? new Date();
  const header = { alg: LICENSE_FORMAT.alg, typ: LICENSE_FORMAT.typ };
  const payload = {
    iss: LICENSE_FORMAT.issuer,
    sub: input.licensee,
    edition: LICENSE_FORMAT.edition,
    iat: toNumericDate(issuedAt),
    ...(input.notBefore === undefined ? {} : { nbf: toNumericDate(input.notBefore) }),
    exp: toNumericDate(input.expiresAt),
    jti: input.licenseId ?? generateUuidV7(),
  };
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** A fresh Ed25519 pair: public SPKI PEM (for `LICENSE_PUBLIC_KEY`) and private PKCS#8 PEM. */
export function generateLicenseKeyPair(): LicenseKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

function parsePublicKey(pem: string | null | undefined): KeyObject | null {
  const text = unescapePem(pem ?? '');
  // Only SPKI is accepted: Node would also derive a public key from a private PEM, but a private
  // key deployed to the servers would let anyone with access to them forge licences.
  if (!text.startsWith(SPKI_PEM_HEADER)) {
    return null;
  }
  try {
    const key = createPublicKey({ key: text, format: 'pem' });
    // Only Ed25519 keys verify EdDSA here; an RSA or EC key is a misconfiguration, not a licence.
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

/**
 * Env vars often carry a PEM on one line with `\n` escapes, sometimes still wrapped in the quotes
 * of the `.env` file; both are undone so the operator does not have to get that exactly right.
 */
function unescapePem(value: string): string {
  let text = value.trim();
  if (
    text.length >= 2 &&
    (text[0] === '"' || text[0] === "'") &&
    text[text.length - 1] === text[0]
  ) {
    text = text.slice(1, -1);
  }
  return text.replace(/\\r\\n|\\n/g, '\n').trim();
}

// Strict: only the base64url alphabet, and only the canonical encoding (no stray trailing bits),
// so one licence has exactly one accepted spelling.
function decodeBase64url(value: string): Buffer | null {
  if (!BASE64URL.test(value)) {
    return null;
  }
  const bytes = Buffer.from(value, 'base64url');
  return bytes.toString('base64url') === value ? bytes : null;
}

function decodeJsonObject(value: string): Record<string, unknown> | null {
  const bytes = decodeBase64url(value);
  if (bytes === null) {
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : null;
}

function isNumericDate(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isFinite(value) && value >= 0 && value * 1000 <= MAX_DATE_MS
  );
}

function toNumericDate(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function encodeJson(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
