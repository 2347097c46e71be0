import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';

import { evaluateLicense, generateLicenseKeyPair, signLicense } from './license-evaluator';

// This spec runs tools/license.mjs as a child process (its only I/O) to prove that what the tool
// issues is exactly what the services accept: the two sides are written in different languages.
const REPO_ROOT = resolve(__dirname, '../../..');
const DAY_MS = 86_400_000;

interface ToolResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runTool(args: string[], input?: string): ToolResult {
  try {
    const stdout = execFileSync(process.execPath, ['tools/license.mjs', ...args], {
      cwd: REPO_ROOT,
      input: input ?? '',
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return { status: 0, stdout, stderr: '' };
  } catch (error: unknown) {
    const failure = error as { status?: number; stdout?: string; stderr?: string };
    return {
      status: failure.status ?? -1,
      stdout: failure.stdout ?? '',
      stderr: failure.stderr ?? '',
    };
  }
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN [A-Z ]+-----\n[\s\S]+?\n-----END [A-Z ]+-----\n/g) ?? [];
}

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

describe('tools/license.mjs', () => {
  const keygen = runTool(['keygen']);
  const [privateKeyPem, publicKeyPem] = pemBlocks(keygen.stdout);

  function issue(args: string[]): ToolResult {
    return runTool(['issue', '--private-key', '-', ...args], privateKeyPem);
  }

  it('keygen prints a PKCS#8 private key, an SPKI public key and the env line', () => {
    expect(keygen.status).toBe(0);
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);

    const envLine = keygen.stdout
      .split('\n')
      .find((line) => line.startsWith('LICENSE_PUBLIC_KEY='));
    expect(envLine).toBe(`LICENSE_PUBLIC_KEY='${publicKeyPem.trim().replace(/\n/g, '\\n')}'`);
  });

  it('keygen pairs fit the evaluator, and its env line works as LICENSE_PUBLIC_KEY as printed', () => {
    const licenseKey = signLicense({
      privateKeyPem,
      licensee: 'Acme Corp',
      expiresAt: new Date(Date.now() + 100 * DAY_MS),
    });
    const envValue = keygen.stdout
      .split('\n')
      .find((line) => line.startsWith('LICENSE_PUBLIC_KEY='))
      ?.slice('LICENSE_PUBLIC_KEY='.length);

    expect(
      evaluateLicense({ licenseKey, publicKeyPem: envValue, now: new Date(), expiringDays: 30 })
        .status,
    ).toBe('active');
  });

  it('issue prints a licence that evaluates as active for --days, naming the licensee', () => {
    const before = Date.now();
    const result = issue(['--licensee', 'Acme Corp', '--days', '40']);
    const licenseKey = result.stdout.trim();

    expect(result.status).toBe(0);
    expect(licenseKey.split('.')).toHaveLength(3);
    const evaluation = evaluateLicense({
      licenseKey,
      publicKeyPem,
      now: new Date(),
      expiringDays: 30,
    });
    expect(evaluation.status).toBe('active');
    expect(evaluation.licensee).toBe('Acme Corp');
    const expiresMs = Date.parse(evaluation.expiresAt ?? '');
    expect(expiresMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 40 * DAY_MS);
    expect(expiresMs).toBeLessThanOrEqual(Date.now() + 40 * DAY_MS);

    expect(
      evaluateLicense({ licenseKey, publicKeyPem, now: new Date(), expiringDays: 45 }).status,
    ).toBe('expiring');
  });

  it('issue writes the same header and claims as signLicense', () => {
    const fromTool = issue([
      '--licensee',
      'Acme Corp',
      '--expires',
      '2031-01-01T00:00:00Z',
    ]).stdout.trim();
    const fromLib = signLicense({
      privateKeyPem: generateLicenseKeyPair().privateKeyPem,
      licensee: 'Acme Corp',
      expiresAt: new Date('2031-01-01T00:00:00Z'),
    });

    expect(decodePart(fromTool, 0)).toEqual(decodePart(fromLib, 0));
    expect(Object.keys(decodePart(fromTool, 1)).sort()).toEqual(
      Object.keys(decodePart(fromLib, 1)).sort(),
    );
    expect(decodePart(fromTool, 1)).toMatchObject({
      iss: 'dify-license',
      sub: 'Acme Corp',
      edition: 'enterprise',
      exp: 1924992000,
    });
  });

  it('issue --expires sets exp exactly, and a past date evaluates as expired', () => {
    const licenseKey = issue([
      '--licensee',
      'Old Corp',
      '--expires',
      '2020-01-01T00:00:00Z',
    ]).stdout.trim();

    expect(
      evaluateLicense({ licenseKey, publicKeyPem, now: new Date(), expiringDays: 30 }),
    ).toEqual({
      status: 'expired',
      expiresAt: '2020-01-01T00:00:00.000Z',
      licensee: 'Old Corp',
    });
  });

  it('issue --not-before in the future yields a licence that is not yet active', () => {
    const licenseKey = issue([
      '--licensee',
      'Future Corp',
      '--not-before',
      new Date(Date.now() + 10 * DAY_MS).toISOString(),
    ]).stdout.trim();

    expect(
      evaluateLicense({ licenseKey, publicKeyPem, now: new Date(), expiringDays: 30 }).status,
    ).toBe('inactive');
    expect(
      evaluateLicense({
        licenseKey,
        publicKeyPem,
        now: new Date(Date.now() + 11 * DAY_MS),
        expiringDays: 30,
      }).status,
    ).toBe('active');
  });

  it('issues licences that another key pair does not accept', () => {
    const licenseKey = issue(['--licensee', 'Acme Corp']).stdout.trim();
    const other = generateLicenseKeyPair();

    expect(
      evaluateLicense({
        licenseKey,
        publicKeyPem: other.publicKeyPem,
        now: new Date(),
        expiringDays: 30,
      }).status,
    ).toBe('inactive');
  });

  it.each([
    [
      '--days and --expires together',
      ['--licensee', 'A', '--days', '3', '--expires', '2031-01-01'],
    ],
    ['zero days', ['--licensee', 'A', '--days', '0']],
    ['a fractional day count', ['--licensee', 'A', '--days', '1.5']],
    ['an unparseable date', ['--licensee', 'A', '--expires', 'next tuesday']],
    ['a blank licensee', ['--licensee', '  ']],
    ['an unknown option', ['--licensee', 'A', '--edition', 'community']],
  ])('refuses %s with exit status 2 and prints no licence', (_label, args) => {
    const result = issue(args);

    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^license: /);
  });

  it('refuses a private key that is not Ed25519 or not a private key at all', () => {
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const ecResult = runTool(['issue', '--private-key', '-', '--licensee', 'A'], ecKey);

    expect(ecResult.status).toBe(2);
    expect(ecResult.stderr).toContain('not ed25519');
    expect(runTool(['issue', '--private-key', '-', '--licensee', 'A'], publicKeyPem).status).toBe(
      2,
    );
    expect(runTool(['issue', '--private-key', '-', '--licensee', 'A'], 'garbage').status).toBe(2);
  });

  it('refuses an unknown command', () => {
    expect(runTool(['sign']).status).toBe(2);
    expect(runTool([]).status).toBe(2);
  });
});
