import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';

import { isUuid } from '@dify/domain';

import {
  evaluateLicense,
  generateLicenseKeyPair,
  LICENSE_FORMAT,
  signLicense,
} from './license-evaluator';
import type { LicenseEvaluationInput } from './license-evaluator';

const NOW = new Date('2030-06-01T00:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;
const DAY_S = 86_400;

const pair = generateLicenseKeyPair();
const otherPair = generateLicenseKeyPair();

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs any header and payload with the test key, to build licences the tool would never issue. */
function signRaw(header: unknown, payload: unknown, privateKeyPem = pair.privateKeyPem): string {
  const input = `${b64json(header)}.${b64json(payload)}`;
  const signature = sign(null, Buffer.from(input), createPrivateKey(privateKeyPem));
  return `${input}.${signature.toString('base64url')}`;
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: 'dify-license',
    sub: 'Acme Corp',
    edition: 'enterprise',
    iat: NOW_S - DAY_S,
    exp: NOW_S + 100 * DAY_S,
    jti: 'lic-1',
    ...overrides,
  };
}

const HEADER = { alg: 'EdDSA', typ: 'JWT' };

function evaluate(
  licenseKey: string | null | undefined,
  overrides: Partial<LicenseEvaluationInput> = {},
) {
  return evaluateLicense({
    licenseKey,
    publicKeyPem: pair.publicKeyPem,
    now: NOW,
    expiringDays: 30,
    ...overrides,
  });
}

function licenceExpiringIn(seconds: number): string {
  return signLicense({
    privateKeyPem: pair.privateKeyPem,
    licensee: 'Acme Corp',
    issuedAt: new Date((NOW_S - DAY_S) * 1000),
    expiresAt: new Date((NOW_S + seconds) * 1000),
  });
}

describe('evaluateLicense: no licence', () => {
  it.each([undefined, null, '', '   ', '\n'])(
    'is none for the key %p, with or without a public key',
    (key) => {
      expect(evaluate(key)).toEqual({ status: 'none', expiresAt: null });
      expect(evaluate(key, { publicKeyPem: undefined })).toEqual({
        status: 'none',
        expiresAt: null,
      });
    },
  );
});

describe('evaluateLicense: valid signature', () => {
  it('is active far from exp, with the expiry and licensee', () => {
    expect(evaluate(licenceExpiringIn(100 * DAY_S))).toEqual({
      status: 'active',
      expiresAt: '2030-09-09T00:00:00.000Z',
      licensee: 'Acme Corp',
    });
  });

  it('is expiring within the configured number of days, inclusive', () => {
    expect(evaluate(licenceExpiringIn(10 * DAY_S)).status).toBe('expiring');
    expect(evaluate(licenceExpiringIn(30 * DAY_S)).status).toBe('expiring');
    expect(evaluate(licenceExpiringIn(30 * DAY_S + 1)).status).toBe('active');
    expect(evaluate(licenceExpiringIn(1)).status).toBe('expiring');
  });

  it('follows expiringDays', () => {
    const key = licenceExpiringIn(10 * DAY_S);
    expect(evaluate(key, { expiringDays: 7 }).status).toBe('active');
    expect(evaluate(key, { expiringDays: 0 }).status).toBe('active');
    expect(evaluate(key, { expiringDays: 10 }).status).toBe('expiring');
  });

  it('is expired at and after exp, still naming the expiry and licensee', () => {
    expect(evaluate(licenceExpiringIn(0))).toEqual({
      status: 'expired',
      expiresAt: NOW.toISOString(),
      licensee: 'Acme Corp',
    });
    expect(evaluate(licenceExpiringIn(-365 * DAY_S)).status).toBe('expired');
  });

  it('honours nbf: inactive before it, valid from it on', () => {
    expect(evaluate(signRaw(HEADER, claims({ nbf: NOW_S + 60 })))).toEqual({
      status: 'inactive',
      expiresAt: null,
    });
    expect(evaluate(signRaw(HEADER, claims({ nbf: NOW_S }))).status).toBe('active');
    expect(evaluate(signRaw(HEADER, claims({ nbf: NOW_S - DAY_S }))).status).toBe('active');
  });

  it('accepts a header without typ and a payload without edition, iat or jti', () => {
    expect(evaluate(signRaw({ alg: 'EdDSA' }, claims())).status).toBe('active');
    expect(
      evaluate(signRaw(HEADER, { iss: 'dify-license', sub: 'Acme', exp: NOW_S + 100 * DAY_S }))
        .status,
    ).toBe('active');
  });

  it('tolerates surrounding whitespace on the licence key', () => {
    expect(evaluate(`  ${licenceExpiringIn(100 * DAY_S)}\n`).status).toBe('active');
  });
});

describe('evaluateLicense: public key handling', () => {
  const key = licenceExpiringIn(100 * DAY_S);

  it.each([undefined, null, '', '  '])('is inactive when the public key is %p', (publicKeyPem) => {
    expect(evaluate(key, { publicKeyPem })).toEqual({ status: 'inactive', expiresAt: null });
  });

  it('is inactive with the public key of another pair', () => {
    expect(evaluate(key, { publicKeyPem: otherPair.publicKeyPem })).toEqual({
      status: 'inactive',
      expiresAt: null,
    });
  });

  it('is inactive with a malformed PEM', () => {
    const [begin, body, end] = pair.publicKeyPem.trim().split('\n');
    expect(evaluate(key, { publicKeyPem: 'not a pem' }).status).toBe('inactive');
    expect(evaluate(key, { publicKeyPem: `${begin}\n${body.slice(0, 20)}\n${end}\n` }).status).toBe(
      'inactive',
    );
  });

  it('is inactive with the private key where the public one belongs', () => {
    // Node would derive the public key from it, but a private key on the servers lets anyone
    // there forge licences, so it is refused rather than quietly accepted.
    expect(evaluate(key, { publicKeyPem: pair.privateKeyPem }).status).toBe('inactive');
  });

  it('is inactive with a public key of another algorithm', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ecPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(evaluate(key, { publicKeyPem: ecPem }).status).toBe('inactive');
  });

  it('accepts a PEM with escaped newlines, as env vars carry it', () => {
    const escaped = pair.publicKeyPem.trim().replace(/\n/g, '\\n');
    expect(escaped).not.toContain('\n');
    expect(evaluate(key, { publicKeyPem: escaped }).status).toBe('active');
  });

  it('accepts a PEM with CRLF line ends or left in the quotes of a .env file', () => {
    expect(evaluate(key, { publicKeyPem: pair.publicKeyPem.replace(/\n/g, '\r\n') }).status).toBe(
      'active',
    );
    const escaped = pair.publicKeyPem.trim().replace(/\n/g, '\\n');
    expect(evaluate(key, { publicKeyPem: `"${escaped}"` }).status).toBe('active');
    expect(evaluate(key, { publicKeyPem: `'${escaped}'` }).status).toBe('active');
  });
});

describe('evaluateLicense: signature and format', () => {
  const good = licenceExpiringIn(100 * DAY_S);
  const [goodHeader, goodPayload, goodSignature] = good.split('.');

  it('is inactive when the payload is changed after signing', () => {
    const forged = `${goodHeader}.${b64json(claims({ exp: NOW_S + 3650 * DAY_S }))}.${goodSignature}`;
    expect(evaluate(forged)).toEqual({ status: 'inactive', expiresAt: null });
  });

  it('is inactive when the signature is changed', () => {
    const bytes = Buffer.from(goodSignature, 'base64url');
    bytes[10] ^= 0x01;
    expect(evaluate(`${goodHeader}.${goodPayload}.${bytes.toString('base64url')}`).status).toBe(
      'inactive',
    );
  });

  it('is inactive when signed by another key', () => {
    expect(evaluate(signRaw(HEADER, claims(), otherPair.privateKeyPem)).status).toBe('inactive');
  });

  it.each([
    ['plain text', 'not-a-licence'],
    ['two parts', `${goodHeader}.${goodPayload}`],
    ['four parts', `${good}.${goodSignature}`],
    ['an empty signature', `${goodHeader}.${goodPayload}.`],
    ['an empty header', `.${goodPayload}.${goodSignature}`],
    ['padding', `${goodHeader}.${goodPayload}.${goodSignature}==`],
    ['standard base64 characters', `${goodHeader}.${goodPayload}.${goodSignature.slice(0, -1)}+`],
    [
      'a header that is not JSON',
      `${Buffer.from('{alg').toString('base64url')}.${goodPayload}.${goodSignature}`,
    ],
    ['a truncated signature', `${goodHeader}.${goodPayload}.${goodSignature.slice(0, 40)}`],
  ])('is inactive for %s', (_label, licenceKey) => {
    expect(evaluate(licenceKey)).toEqual({ status: 'inactive', expiresAt: null });
  });

  it('is inactive for a non-canonical base64url spelling of a valid signature', () => {
    // 64 bytes leave 4 unused bits in the last character; setting one keeps the bytes the same.
    const last = goodSignature[goodSignature.length - 1];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) + 1];
    const variant = `${goodSignature.slice(0, -1)}${twin}`;
    expect(Buffer.from(variant, 'base64url').equals(Buffer.from(goodSignature, 'base64url'))).toBe(
      true,
    );
    expect(evaluate(`${goodHeader}.${goodPayload}.${variant}`).status).toBe('inactive');
  });

  it.each([
    ['alg none', { alg: 'none' }],
    ['alg HS256', { alg: 'HS256', typ: 'JWT' }],
    ['alg ES256', { alg: 'ES256', typ: 'JWT' }],
    ['alg in lower case', { alg: 'eddsa', typ: 'JWT' }],
    ['alg missing', { typ: 'JWT' }],
    ['typ other than JWT', { alg: 'EdDSA', typ: 'JOSE' }],
    ['a crit extension', { alg: 'EdDSA', typ: 'JWT', crit: ['exp'] }],
  ])(
    'is inactive for a header with %s, even when the Ed25519 signature is good',
    (_label, header) => {
      expect(evaluate(signRaw(header, claims())).status).toBe('inactive');
    },
  );

  it('is inactive for alg none with no signature', () => {
    expect(evaluate(`${b64json({ alg: 'none' })}.${b64json(claims())}.`).status).toBe('inactive');
  });

  it.each([
    ['a payload that is an array', [claims()]],
    ['a payload that is a string', 'dify-license'],
    ['a payload that is null', null],
  ])('is inactive for %s', (_label, payload) => {
    expect(evaluate(signRaw(HEADER, payload)).status).toBe('inactive');
  });

  it.each([
    ['iss missing', { iss: undefined }],
    ['iss wrong', { iss: 'someone-else' }],
    ['sub missing', { sub: undefined }],
    ['sub blank', { sub: '  ' }],
    ['sub not a string', { sub: 42 }],
    ['edition other than enterprise', { edition: 'community' }],
    ['exp missing', { exp: undefined }],
    ['exp a string', { exp: String(NOW_S + 100 * DAY_S) }],
    ['exp negative', { exp: -1 }],
    ['exp beyond any date', { exp: 1e20 }],
    ['exp null', { exp: null }],
    ['nbf a string', { nbf: 'yesterday' }],
    ['iat a string', { iat: 'today' }],
  ])('is inactive with %s', (_label, overrides) => {
    expect(evaluate(signRaw(HEADER, claims(overrides)))).toEqual({
      status: 'inactive',
      expiresAt: null,
    });
  });
});

describe('evaluateLicense: unusable inputs', () => {
  const key = licenceExpiringIn(100 * DAY_S);

  it('is lost when the clock is not a date, rather than unlocking anything', () => {
    expect(evaluate(key, { now: new Date(Number.NaN) })).toEqual({
      status: 'lost',
      expiresAt: null,
    });
  });

  it.each([Number.NaN, -1, Number.POSITIVE_INFINITY])(
    'is lost when expiringDays is %p',
    (expiringDays) => {
      expect(evaluate(key, { expiringDays }).status).toBe('lost');
    },
  );

  it('still reports none without a key, whatever the other inputs', () => {
    expect(evaluate('', { now: new Date(Number.NaN) }).status).toBe('none');
  });
});

describe('signLicense', () => {
  it('produces the documented header and claims', () => {
    const token = signLicense({
      privateKeyPem: pair.privateKeyPem,
      licensee: 'Acme Corp',
      issuedAt: new Date('2030-01-01T00:00:00.900Z'),
      notBefore: new Date('2030-01-01T00:00:00.000Z'),
      expiresAt: new Date('2031-01-01T00:00:00.000Z'),
      licenseId: 'lic-42',
    });
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part): unknown => JSON.parse(Buffer.from(part, 'base64url').toString()));

    expect(header).toEqual({ alg: 'EdDSA', typ: 'JWT' });
    expect(payload).toEqual({
      iss: 'dify-license',
      sub: 'Acme Corp',
      edition: 'enterprise',
      iat: 1893456000,
      nbf: 1893456000,
      exp: 1924992000,
      jti: 'lic-42',
    });
    expect(token.split('.')).toHaveLength(3);
  });

  it('defaults iat to now, leaves nbf out and gives each licence a UUID', () => {
    const before = Math.floor(Date.now() / 1000);
    const token = signLicense({ privateKeyPem: pair.privateKeyPem, licensee: 'A', expiresAt: NOW });
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<
      string,
      unknown
    >;

    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload).not.toHaveProperty('nbf');
    expect(isUuid(payload.jti)).toBe(true);
  });

  it('accepts a private key PEM with escaped newlines', () => {
    const token = signLicense({
      privateKeyPem: pair.privateKeyPem.trim().replace(/\n/g, '\\n'),
      licensee: 'Acme Corp',
      expiresAt: new Date((NOW_S + 100 * DAY_S) * 1000),
    });
    expect(evaluate(token).status).toBe('active');
  });
});

describe('generateLicenseKeyPair', () => {
  it('returns an Ed25519 SPKI public PEM and a PKCS#8 private PEM, fresh each time', () => {
    expect(pair.publicKeyPem).toMatch(
      /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/,
    );
    expect(pair.privateKeyPem).toMatch(
      /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/,
    );
    expect(createPrivateKey(pair.privateKeyPem).asymmetricKeyType).toBe('ed25519');
    expect(otherPair.publicKeyPem).not.toBe(pair.publicKeyPem);
  });
});

describe('LICENSE_FORMAT', () => {
  it('names the values every issued licence carries', () => {
    expect(LICENSE_FORMAT).toEqual({
      alg: 'EdDSA',
      typ: 'JWT',
      issuer: 'dify-license',
      edition: 'enterprise',
    });
  });
});
