import { Logger } from '@nestjs/common';
import { generateUuidV7, hashToken, isTokenShaped, MintPolicyViolation } from '@dify/domain';
import { isolatedKeyPrefix, testEnvironment, waitFor } from '@dify/testing';
import { TokensHarness } from '../testing/tokens.harness';
import { TOKEN_KEYS } from '../token-keys.constants';
import { TokenIssuanceError } from './token-issuance.errors';
import { type MintRequest, TokenIssuer } from './token-issuer.service';

const DAY_MS = 86_400_000;
const IDP = 'https://idp.example.com/realms/acme';

describe('TokenIssuer (real Postgres and Redis)', () => {
  let harness: TokensHarness;
  let issuer: TokenIssuer;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testEnvironment();
    harness = await TokensHarness.start(
      { databaseUrl, redisUrl, keyPrefix: isolatedKeyPrefix('issuer') },
      { ttlDays: 14 },
    );
    issuer = harness.get(TokenIssuer);
  });

  afterAll(() => harness.close());

  async function accountRequest(overrides: Partial<MintRequest> = {}): Promise<MintRequest> {
    return {
      prefix: 'dfoa_',
      subjectEmail: harness.uniqueEmail('issue'),
      accountId: await harness.createAccount(),
      clientId: 'difyctl',
      deviceLabel: 'laptop',
      ...overrides,
    };
  }

  function ssoRequest(overrides: Partial<MintRequest> = {}): MintRequest {
    return {
      prefix: 'dfoe_',
      subjectEmail: harness.uniqueEmail('sso'),
      subjectIssuer: IDP,
      clientId: 'difyctl',
      deviceLabel: 'laptop',
      ...overrides,
    };
  }

  describe('issue', () => {
    it('inserts a live row holding only the hash, with the sentinel issuer and the TTL', async () => {
      const request = await accountRequest({ subjectEmail: `  MiXeD-${Date.now()}@Example.COM ` });
      const before = Date.now();

      const issued = await issuer.issue(request);

      expect(isTokenShaped(issued.token)).toBe(true);
      expect(issued.token.startsWith('dfoa_')).toBe(true);
      expect(issued.tokenHash).toBe(hashToken(issued.token));
      expect(issued.rotated).toBe(false);
      expect(issued.previous).toBeNull();
      expect(issued.tokenId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
      const row = await harness.row(issued.tokenId);
      expect(row).toMatchObject({
        subject_email: request.subjectEmail.trim().toLowerCase(),
        subject_issuer: 'dify:account',
        account_id: request.accountId,
        client_id: 'difyctl',
        device_label: 'laptop',
        prefix: 'dfoa_',
        token_hash: issued.tokenHash,
        last_used_at: null,
        revoked_at: null,
      });
      expect(row?.expires_at.getTime()).toBe(issued.expiresAt.getTime());
      const ttl = issued.expiresAt.getTime() - (row?.created_at.getTime() ?? 0);
      expect(ttl).toBe(14 * DAY_MS);
      expect(issued.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 14 * DAY_MS);
      expect(harness.audit.about('oauth.token_rotated', issued.tokenId)).toEqual([]);
    });

    it('mints dfoe_ tokens with the IdP issuer and no account', async () => {
      const issued = await issuer.issue(ssoRequest());

      expect(issued.token.startsWith('dfoe_')).toBe(true);
      expect(await harness.row(issued.tokenId)).toMatchObject({
        subject_issuer: IDP,
        account_id: null,
        prefix: 'dfoe_',
      });
    });

    it('rotates in place: same id, new hash and expiry, created_at reset, last_used_at cleared', async () => {
      const request = await accountRequest();
      const first = await issuer.issue(request);
      await harness.dataSource.query(
        `UPDATE oauth_access_tokens
            SET created_at = now() - interval '3 days', last_used_at = now() - interval '1 day',
                expires_at = now() + interval '11 days'
          WHERE id = $1`,
        [first.tokenId],
      );
      const aged = await harness.row(first.tokenId);
      await harness.redis.set(TOKEN_KEYS.bearer(first.tokenHash), '{"cached":true}', 'EX', 60);

      const second = await issuer.issue(request);

      expect(second.tokenId).toBe(first.tokenId);
      expect(second.tokenHash).not.toBe(first.tokenHash);
      expect(second.rotated).toBe(true);
      expect(second.previous).toEqual({
        tokenHash: first.tokenHash,
        expiresAt: aged?.expires_at,
        createdAt: aged?.created_at,
        lastUsedAt: aged?.last_used_at,
      });
      const rows = await harness.rowsOf(request.subjectEmail);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ token_hash: second.tokenHash, last_used_at: null });
      expect(rows[0].created_at.getTime()).toBeGreaterThan(aged?.created_at.getTime() ?? 0);
      expect(rows[0].expires_at.getTime()).toBe(second.expiresAt.getTime());
      expect(await harness.redis.get(TOKEN_KEYS.bearer(first.tokenHash))).toBe('invalid');

      // Recorded only once the caller says the rotation stuck.
      expect(harness.audit.about('oauth.token_rotated', second.tokenId)).toEqual([]);
      await issuer.recordRotation(second, { ip: '203.0.113.7', requestId: 'req-rotate' });
      const [rotated] = harness.audit.about('oauth.token_rotated', second.tokenId);
      expect(rotated).toMatchObject({
        subjectType: 'account',
        subjectEmail: request.subjectEmail,
        subjectIssuer: 'dify:account',
        accountId: request.accountId,
        ip: '203.0.113.7',
        requestId: 'req-rotate',
        payload: {
          token_id: second.tokenId,
          subject_type: 'account',
          subject_email: request.subjectEmail,
          subject_issuer: 'dify:account',
          account_id: request.accountId,
          client_id: 'difyctl',
          device_label: 'laptop',
          previous_expires_at: aged?.expires_at.toISOString(),
          expires_at: second.expiresAt.toISOString(),
        },
      });
      expect(JSON.stringify(rotated)).not.toContain(first.tokenHash);
      expect(JSON.stringify(rotated)).not.toContain(second.token);
    });

    it('rotates a row that has expired but was never hard-expired', async () => {
      const request = ssoRequest();
      const first = await issuer.issue(request);
      await harness.dataSource.query(
        `UPDATE oauth_access_tokens SET expires_at = now() - interval '1 hour' WHERE id = $1`,
        [first.tokenId],
      );

      const second = await issuer.issue(request);

      expect(second.tokenId).toBe(first.tokenId);
      expect(second.rotated).toBe(true);
    });

    it('ends 50 concurrent issues for one device with exactly one live row and no errors', async () => {
      const request = await accountRequest();

      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => issuer.issue(request)),
      );

      const rejected = results.filter((result) => result.status === 'rejected');
      expect(rejected).toEqual([]);
      const issued = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(new Set(issued.map((token) => token.tokenId)).size).toBe(1);
      expect(issued.filter((token) => !token.rotated)).toHaveLength(1);
      const rows = await harness.rowsOf(request.subjectEmail);
      expect(rows).toHaveLength(1);
      expect(rows[0].revoked_at).toBeNull();
      // Each rotation replaced exactly one earlier token: the chain of previous hashes covers
      // every issued hash but the survivor, so no replaced token escapes its cache eviction.
      const survivor = rows[0].token_hash;
      const replaced = new Set(issued.flatMap((token) => token.previous?.tokenHash ?? []));
      expect(replaced.size).toBe(49);
      expect(replaced.has(survivor ?? '')).toBe(false);
      for (const token of issued) {
        expect(replaced.has(token.tokenHash) || token.tokenHash === survivor).toBe(true);
      }
    });

    it('hands back the true pre-image when the live row was committed after its snapshot', async () => {
      const request = ssoRequest();
      const rival = harness.dataSource.createQueryRunner();
      await rival.connect();
      await rival.startTransaction();
      const rivalId = generateUuidV7();
      const rivalHash = hashToken(`dfoe_${rivalId}`);
      await rival.query(
        `INSERT INTO oauth_access_tokens
           (id, subject_email, subject_issuer, client_id, device_label, prefix, token_hash, expires_at)
         VALUES ($1, $2, $3, 'difyctl', 'laptop', 'dfoe_', $4, now() + interval '1 day')`,
        [rivalId, request.subjectEmail, IDP, rivalHash],
      );

      // The issue's snapshot cannot see the uncommitted row, so its insert waits on it.
      const pending = issuer.issue(request);
      await waitFor(
        async () => {
          const rows: { n: number }[] = await harness.dataSource.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'
                AND query LIKE '%WITH previous AS%'`,
          );
          return rows[0].n > 0;
        },
        { description: 'the issue to wait on the uncommitted row' },
      );
      await rival.commitTransaction();
      await rival.release();
      const issued = await pending;

      expect(issued).toMatchObject({ tokenId: rivalId, rotated: true });
      expect(issued.previous?.tokenHash).toBe(rivalHash);
      expect(await harness.rowsOf(request.subjectEmail)).toHaveLength(1);
    });

    it('keeps devices with another label, client or issuer independent', async () => {
      const request = ssoRequest();
      const laptop = await issuer.issue(request);
      const desktop = await issuer.issue({ ...request, deviceLabel: 'desktop' });
      const script = await issuer.issue({ ...request, clientId: 'other-client' });
      const otherIdp = await issuer.issue({ ...request, subjectIssuer: `${IDP}/other` });

      const ids = [laptop, desktop, script, otherIdp].map((token) => token.tokenId);
      expect(new Set(ids).size).toBe(4);
      expect([desktop, script, otherIdp].every((token) => !token.rotated)).toBe(true);
      const rows = await harness.rowsOf(request.subjectEmail);
      expect(rows.filter((row) => row.revoked_at === null)).toHaveLength(4);
    });

    it('inserts a new row after the live one was revoked', async () => {
      const request = await accountRequest();
      const first = await issuer.issue(request);
      await harness.dataSource.query(
        `UPDATE oauth_access_tokens SET revoked_at = now(), token_hash = NULL WHERE id = $1`,
        [first.tokenId],
      );

      const second = await issuer.issue(request);

      expect(second.tokenId).not.toBe(first.tokenId);
      expect(second.rotated).toBe(false);
      expect(await harness.rowsOf(request.subjectEmail)).toHaveLength(2);
    });

    it.each<[string, Partial<MintRequest>]>([
      ['a dfoa_ without an account', { accountId: undefined }],
      ['a dfoa_ with an IdP issuer', { subjectIssuer: IDP }],
      ['a dfoe_ with an account', { prefix: 'dfoe_', subjectIssuer: IDP }],
      [
        'a dfoe_ with a blank issuer',
        { prefix: 'dfoe_', subjectIssuer: '  ', accountId: undefined },
      ],
      ['an unknown prefix', { prefix: 'dfp_' as MintRequest['prefix'] }],
    ])('refuses %s before writing anything', async (_label, overrides) => {
      const request = { ...(await accountRequest()), ...overrides };
      const writes = jest.spyOn(harness.dataSource, 'createQueryRunner');

      await expect(issuer.issue(request)).rejects.toBeInstanceOf(MintPolicyViolation);

      expect(writes).not.toHaveBeenCalled();
      writes.mockRestore();
      expect(await harness.rowsOf(request.subjectEmail)).toEqual([]);
    });

    it('undoes the rotation and fails when the replaced token cannot be evicted', async () => {
      const request = await accountRequest();
      const first = await issuer.issue(request);
      const set = jest
        .spyOn(harness.redis, 'set')
        .mockRejectedValueOnce(new Error('redis unavailable'));

      await expect(issuer.issue(request)).rejects.toBeInstanceOf(TokenIssuanceError);

      set.mockRestore();
      const [row] = await harness.rowsOf(request.subjectEmail);
      expect(row).toMatchObject({ id: first.tokenId, token_hash: first.tokenHash });
      expect(harness.audit.about('oauth.token_rotated', first.tokenId)).toEqual([]);
    });

    it('still succeeds when the audit event cannot be enqueued', async () => {
      const request = ssoRequest();
      await issuer.issue(request);
      harness.audit.failing = true;
      try {
        const second = await issuer.issue(request);
        expect(second.rotated).toBe(true);
        await expect(issuer.recordRotation(second)).resolves.toBeUndefined();
      } finally {
        harness.audit.failing = false;
      }
    });
  });

  describe('compensate', () => {
    it('deletes an inserted row and marks its cache entry dead', async () => {
      const issued = await issuer.issue(await accountRequest());
      await harness.redis.set(TOKEN_KEYS.bearer(issued.tokenHash), '{"cached":true}', 'EX', 10);

      await issuer.compensate(issued);

      expect(await harness.row(issued.tokenId)).toBeUndefined();
      expect(await harness.redis.get(TOKEN_KEYS.bearer(issued.tokenHash))).toBe('invalid');
    });

    it('puts back the pre-image of a rotated row', async () => {
      const request = await accountRequest();
      const first = await issuer.issue(request);
      await harness.dataSource.query(
        `UPDATE oauth_access_tokens SET last_used_at = now() - interval '5 minutes' WHERE id = $1`,
        [first.tokenId],
      );
      const before = await harness.row(first.tokenId);
      const second = await issuer.issue(request);

      await issuer.compensate(second);

      const after = await harness.row(first.tokenId);
      expect(after).toEqual(before);
    });

    it('leaves a row alone that a later issue has superseded', async () => {
      const request = await accountRequest();
      await issuer.issue(request);
      const second = await issuer.issue(request);
      const third = await issuer.issue(request);

      const warn = jest.spyOn(Logger.prototype, 'warn');

      await expect(issuer.compensate(second)).resolves.toBeUndefined();

      expect(await harness.row(third.tokenId)).toMatchObject({ token_hash: third.tokenHash });
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({ token_id: second.tokenId }),
        expect.stringContaining('superseded'),
      );
      warn.mockRestore();
    });

    it('leaves a revoked row revoked', async () => {
      const request = await accountRequest();
      await issuer.issue(request);
      const second = await issuer.issue(request);
      await harness.dataSource.query(
        `UPDATE oauth_access_tokens SET revoked_at = now(), token_hash = NULL WHERE id = $1`,
        [second.tokenId],
      );

      await issuer.compensate(second);

      expect(await harness.row(second.tokenId)).toMatchObject({ token_hash: null });
    });

    it('never throws, even when Postgres refuses', async () => {
      const issued = await issuer.issue(await accountRequest());
      const query = jest
        .spyOn(harness.dataSource, 'createQueryRunner')
        .mockImplementationOnce(() => {
          throw new Error('postgres unavailable');
        });

      await expect(issuer.compensate(issued)).resolves.toBeUndefined();

      query.mockRestore();
      expect(await harness.row(issued.tokenId)).toBeDefined();
    });
  });
});
