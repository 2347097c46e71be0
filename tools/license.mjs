#!/usr/bin/env node
// Issues enterprise licences: the signing side of libs/licensing/src/license-evaluator.ts.
//
//   npm run license -- keygen [--out DIR]
//       Makes an Ed25519 key pair. With --out, writes DIR/license-private.pem (mode 0600, never
//       overwritten) and DIR/license-public.pem; without it, prints both PEMs. Either way it prints
//       the LICENSE_PUBLIC_KEY line for the services' env, with newlines escaped as \n.
//
//   npm run license -- issue --private-key FILE --licensee NAME [--days N | --expires ISO]
//                            [--not-before ISO]
//       Prints a licence (the LICENSE_KEY value) valid for N days (default 365) or until ISO.
//       FILE may be "-" to read the private key from standard input.
//
// The licence format is a compact JWS: header {"alg":"EdDSA","typ":"JWT"}, payload
// {iss:"dify-license", sub, edition:"enterprise", iat, nbf?, exp, jti}, Ed25519 signature, each
// part base64url without padding. It must match what evaluateLicense accepts; the spec
// libs/licensing/src/license-tool.spec.ts runs this file and checks exactly that.
//
// Only node:crypto and node:fs are used, so it runs from a bare checkout without a build.

import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const USAGE = `usage:
  license keygen [--out DIR]
  license issue --private-key FILE|- --licensee NAME [--days N | --expires ISO] [--not-before ISO]
`;
const DEFAULT_DAYS = 365;
const DAY_MS = 86_400_000;

class UsageError extends Error {}

function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined) {
    throw new UsageError('no command given');
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  const options = parseOptions(rest);
  if (command === 'keygen') {
    return keygen(options);
  }
  if (command === 'issue') {
    return issue(options);
  }
  throw new UsageError(`unknown command "${command}"`);
}

// Accepts "--name value" and "--name=value"; every option takes a value and may appear once.
function parseOptions(args) {
  const options = new Map();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      throw new UsageError(`unexpected argument "${arg}"`);
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = args[i + 1];
      i += 1;
      if (value === undefined) {
        throw new UsageError(`--${name} needs a value`);
      }
    }
    if (options.has(name)) {
      throw new UsageError(`--${name} given twice`);
    }
    options.set(name, value);
  }
  return options;
}

function allowOnly(options, names) {
  for (const name of options.keys()) {
    if (!names.includes(name)) {
      throw new UsageError(`unknown option --${name}`);
    }
  }
}

function keygen(options) {
  allowOnly(options, ['out']);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const out = options.get('out');
  if (out === undefined) {
    process.stdout.write(privateKey);
    process.stdout.write(publicKey);
  } else {
    const dir = out.replace(/\/+$/, '') || '/';
    const privatePath = `${dir}/license-private.pem`;
    const publicPath = `${dir}/license-public.pem`;
    // Overwriting a private key would orphan every licence already signed with it.
    for (const file of [privatePath, publicPath]) {
      if (existsSync(file)) {
        throw new UsageError(`${file} already exists; choose another --out`);
      }
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(privatePath, privateKey, { mode: 0o600, flag: 'wx' });
    writeFileSync(publicPath, publicKey, { mode: 0o644, flag: 'wx' });
    process.stderr.write(
      `wrote ${privatePath} (keep it secret, off the servers)\nwrote ${publicPath}\n`,
    );
  }
  // Single quotes keep the \n escapes literal for shells, dotenv and compose env files alike; the
  // evaluator turns them back into newlines.
  process.stdout.write(`LICENSE_PUBLIC_KEY='${publicKey.trim().replace(/\n/g, '\\n')}'\n`);
  return 0;
}

function issue(options) {
  allowOnly(options, ['private-key', 'licensee', 'days', 'expires', 'not-before']);
  const keyFile = options.get('private-key');
  const licensee = options.get('licensee')?.trim();
  if (keyFile === undefined) {
    throw new UsageError('--private-key is required');
  }
  if (licensee === undefined || licensee === '') {
    throw new UsageError('--licensee is required and must not be blank');
  }
  if (options.has('days') && options.has('expires')) {
    throw new UsageError('give --days or --expires, not both');
  }

  const now = new Date();
  let expiresAt;
  if (options.has('expires')) {
    expiresAt = parseDate(options.get('expires'), '--expires');
  } else {
    const days = options.has('days') ? options.get('days') : String(DEFAULT_DAYS);
    if (!/^[1-9][0-9]{0,5}$/.test(days)) {
      throw new UsageError('--days must be a whole number of days, at least 1');
    }
    expiresAt = new Date(now.getTime() + Number(days) * DAY_MS);
  }
  const notBefore = options.has('not-before')
    ? parseDate(options.get('not-before'), '--not-before')
    : undefined;
  if (expiresAt.getTime() <= now.getTime()) {
    process.stderr.write('warning: this licence is already expired\n');
  }

  const pem = readFileSync(keyFile === '-' ? 0 : keyFile, 'utf8')
    .trim()
    .replace(/\\r\\n|\\n/g, '\n');
  let privateKey;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new UsageError(
      `${keyFile === '-' ? 'standard input' : keyFile} is not a PEM private key`,
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new UsageError(`the private key is ${privateKey.asymmetricKeyType}, not ed25519`);
  }

  const header = { alg: 'EdDSA', typ: 'JWT' };
  const payload = {
    iss: 'dify-license',
    sub: licensee,
    edition: 'enterprise',
    iat: seconds(now),
    ...(notBefore === undefined ? {} : { nbf: seconds(notBefore) }),
    exp: seconds(expiresAt),
    jti: randomUUID(),
  };
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), privateKey).toString(
    'base64url',
  );
  process.stdout.write(`${signingInput}.${signature}\n`);
  process.stderr.write(
    `licence for "${licensee}" expires ${new Date(payload.exp * 1000).toISOString()}\n`,
  );
  return 0;
}

function parseDate(value, option) {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new UsageError(`${option} must be an ISO 8601 date, e.g. 2031-01-01T00:00:00Z`);
  }
  return new Date(ms);
}

function seconds(date) {
  return Math.floor(date.getTime() / 1000);
}

function encodeJson(value) {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`license: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`license: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
