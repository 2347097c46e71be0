// Data the scenarios run against: device codes (real ones from auth, synthetic ones for the
// baseline), and an account with a bearer token written straight into the bench database.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

/** RFC 9562 UUIDv7, as the services generate ids for the rows they create. */
export function uuidv7() {
  const bytes = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i += 1) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function newDeviceCode() {
  return `dc_${randomBytes(32).toString('base64url')}`;
}

/**
 * Device codes handed out round-robin. The poll script answers `slow_down` when one code is
 * polled again within its interval (RFC 8628 §3.5, 5 s), so the pool has to be large enough that
 * the rotation comes back to a code only after that; `early` counts the times it did not.
 */
export class DeviceCodePool {
  static INTERVAL_MS = 5_000;

  constructor(codes = []) {
    this.codes = [...codes];
    this.lastSent = new Float64Array(0);
    this.cursor = 0;
    this.early = 0;
  }

  get size() {
    return this.codes.length;
  }

  add(code) {
    this.codes.push(code);
  }

  next() {
    if (this.lastSent.length !== this.codes.length) {
      const grown = new Float64Array(this.codes.length);
      grown.set(this.lastSent.subarray(0, Math.min(this.lastSent.length, grown.length)));
      this.lastSent = grown;
    }
    const index = this.cursor % this.codes.length;
    this.cursor += 1;
    const now = Date.now();
    if (this.lastSent[index] !== 0 && now - this.lastSent[index] < DeviceCodePool.INTERVAL_MS) {
      this.early += 1;
    }
    this.lastSent[index] = now;
    return this.codes[index];
  }
}

/**
 * Pending device hashes for the baseline server, with the fields of
 * docs/redis-state.md, "The device hash", under the baseline's own key prefix so its writes never
 * touch the codes auth issued.
 */
export async function seedBaselineDevices(redisUrl, keyPrefix, count) {
  const redis = new Redis(redisUrl, { keyPrefix });
  const codes = [];
  try {
    for (let start = 0; start < count; start += 1_000) {
      const batch = redis.pipeline();
      for (let i = start; i < Math.min(count, start + 1_000); i += 1) {
        const code = newDeviceCode();
        codes.push(code);
        const key = `device_code:${code}`;
        batch.hset(key, {
          user_code: 'BNCH-CODE',
          client_id: 'difyctl',
          device_label: 'bench',
          status: 'pending',
          created_at: new Date().toISOString(),
          created_ip: '127.0.0.1',
          interval: '5',
          token_id: '',
          payload: '',
        });
        batch.expire(key, 900);
      }
      await batch.exec();
    }
  } finally {
    redis.disconnect();
  }
  return codes;
}

/**
 * An active account in one workspace with a live `dfoa_` token, written by SQL as the tokens
 * library would (docs/tokens.md, "The oauth_access_tokens table"): only the SHA-256 of the token is stored.
 */
export async function createBearerFixture(databaseUrl) {
  const accountId = uuidv7();
  const tenantId = uuidv7();
  const tokenId = uuidv7();
  const email = `bench-${accountId.slice(-12)}@example.com`;
  const token = `dfoa_${randomBytes(32).toString('base64url')}`;
  const tokenHash = createHash('sha256').update(token, 'utf8').digest('hex');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO accounts (id, email, name, status) VALUES ($1, $2, 'Bench User', 'active')`,
      [accountId, email],
    );
    await client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'Bench Workspace')`, [tenantId]);
    await client.query(
      `INSERT INTO tenant_account_joins (id, tenant_id, account_id, role, current)
       VALUES ($1, $2, $3, 'owner', true)`,
      [uuidv7(), tenantId, accountId],
    );
    await client.query(
      `INSERT INTO oauth_access_tokens
         (id, subject_email, subject_issuer, account_id, client_id, device_label, prefix,
          token_hash, expires_at)
       VALUES ($1, $2, 'dify:account', $3, 'difyctl', 'bench', 'dfoa_', $4,
               now() + interval '1 day')`,
      [tokenId, email, accountId, tokenHash],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
  return { token, tokenId, accountId, email };
}

/** Deletes every key of the run (SCAN, never KEYS, so a shared Redis stays responsive). */
export async function deleteKeysWithPrefix(redisUrl, prefix) {
  if (!prefix) throw new Error('refusing to delete keys without a prefix');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
