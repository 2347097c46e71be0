// The device-code side of the bench: issuing codes at auth, and the pending poll request that
// the baseline, auth and the gateway are all measured with.
import { answerLabel, answerMatches, measure } from './load.mjs';

export const CODE_PATH = '/openapi/v1/oauth/device/code';
export const POLL_PATH = '/openapi/v1/oauth/device/token';

const ISSUED_CODE = /"device_code"\s*:\s*"(dc_[A-Za-z0-9_-]{43})"/;

export const codeRequest = {
  method: 'POST',
  path: CODE_PATH,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ client_id: 'difyctl', device_label: 'bench' }),
};

export const issued = { status: 200, body: '"device_code":"dc_' };

/** Adds the device code of each issuance answer to the pool. */
export function collectCode(pool) {
  return {
    js: ISSUED_CODE,
    lua: '"device_code"%s*:%s*"(dc_[%w_%-]+)"',
    into: (code) => pool.add(code),
  };
}

/** One pending poll per request; `{code}` becomes the pool's next device code. */
export const pollRequest = {
  method: 'POST',
  path: POLL_PATH,
  headers: { 'content-type': 'application/json' },
  body: '{"client_id":"difyctl","device_code":"{code}"}',
};

export const pending = { status: 400, body: '"error":"authorization_pending"' };

/**
 * Whether auth issues device codes at all; until the device flow is deployed it answers 404, and
 * the scenarios that need codes report that instead of a figure.
 */
export async function probeIssuance(authUrl) {
  const response = await fetch(`${authUrl}${CODE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': codeRequest.headers['content-type'] },
    body: codeRequest.body,
  });
  const body = await response.text();
  return answerMatches(issued, response.status, body)
    ? { ok: true }
    : {
        ok: false,
        reason: `auth answers ${answerLabel(response.status, body)} on POST ${CODE_PATH}`,
      };
}

/**
 * Issues codes until the pool holds `size`, as fast as auth allows. A pool of N codes polled at
 * R requests per second comes back to each code every N / R seconds, which must stay above the
 * 5 s poll interval, or the polls turn into `slow_down` answers.
 */
export async function fillPool({ authUrl, pool, size, connections, log }) {
  const missing = size - pool.size;
  if (missing <= 0) return;
  log(`issuing ${missing} more device codes (pool of ${size})`);
  const started = Date.now();
  const result = await measure({
    url: authUrl,
    request: codeRequest,
    expect: issued,
    collect: collectCode(pool),
    connections,
    amount: missing,
  });
  if (pool.size < size * 0.98) {
    throw new Error(
      `only ${pool.size} of ${size} device codes issued: ${JSON.stringify(result.unexpectedByKind)}`,
    );
  }
  log(`pool holds ${pool.size} codes (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
