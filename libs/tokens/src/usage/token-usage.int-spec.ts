import { getQueueToken } from '@nestjs/bullmq';
import { jobIds, QUEUES } from '@dify/queue-contracts';
import { isolatedKeyPrefix, testEnvironment } from '@dify/testing';
import type { Queue } from 'bullmq';
import { type IssuedToken, TokenIssuer } from '../issuing/token-issuer.service';
import { TokensHarness } from '../testing/tokens.harness';
import { TOKEN_KEYS } from '../token-keys.constants';
import { TokenTouchBatcher } from './token-touch-batcher.service';
import { TokenUsageRecorder } from './token-usage-recorder.service';
import { TokenUsageWriter } from './token-usage-writer.service';

const MINUTE_MS = 60_000;

describe('token usage (real Postgres, Redis and BullMQ)', () => {
  let harness: TokensHarness;
  let issuer: TokenIssuer;
  let queue: Queue;

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testEnvironment();
    harness = await TokensHarness.start({
      databaseUrl,
      redisUrl,
      keyPrefix: isolatedKeyPrefix('usage'),
    });
    issuer = harness.get(TokenIssuer);
    queue = harness.module.get<Queue>(getQueueToken(QUEUES.tokenUsage));
  });

  afterAll(() => harness.close());

  function token(): Promise<IssuedToken> {
    return issuer.issue({
      prefix: 'dfoe_',
      subjectEmail: harness.uniqueEmail('usage'),
      subjectIssuer: 'https://idp.example.com',
      clientId: 'difyctl',
      deviceLabel: 'laptop',
    });
  }

  async function touchJobsOf(tokenId: string): Promise<{ id?: string; data: unknown }[]> {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    return jobs
      .filter((job) => (job.data as { tokenId?: string }).tokenId === tokenId)
      .map((job) => ({ id: job.id, data: job.data as unknown }));
  }

  async function lastUsedAt(tokenId: string): Promise<Date | null | undefined> {
    return (await harness.row(tokenId))?.last_used_at;
  }

  describe('TokenUsageRecorder', () => {
    it('enqueues one token.touch per token per minute and marks it in Redis', async () => {
      const recorder = harness.get(TokenUsageRecorder);
      const { tokenId } = await token();
      const usedAt = new Date();

      await recorder.noteUse(tokenId, usedAt);
      await recorder.noteUse(tokenId, new Date(usedAt.getTime() + 30_000));

      expect(await touchJobsOf(tokenId)).toEqual([
        {
          id: jobIds.tokenTouch(tokenId, usedAt),
          data: { tokenId, usedAt: usedAt.toISOString() },
        },
      ]);
      expect(await harness.redis.get(TOKEN_KEYS.touch(tokenId))).toBe('1');
      const ttl = await harness.redis.ttl(TOKEN_KEYS.touch(tokenId));
      expect(ttl).toBeGreaterThan(55);
      expect(ttl).toBeLessThanOrEqual(60);
    });

    it('lets only the first of several gateways enqueue, through SET NX', async () => {
      const { tokenId } = await token();
      const redis = harness.redis;
      // Fresh recorders have empty memos, as separate gateway processes would.
      const gateways = Array.from({ length: 5 }, () => new TokenUsageRecorder(redis, queue));

      await Promise.all(gateways.map((gateway) => gateway.noteUse(tokenId)));

      expect(await touchJobsOf(tokenId)).toHaveLength(1);
    });

    it('touches again once the minute has passed', async () => {
      const recorder = new TokenUsageRecorder(harness.redis, queue);
      const { tokenId } = await token();
      const first = new Date();
      await recorder.noteUse(tokenId, first);
      // The key's TTL ends the minute in Redis; the memo ends it in process.
      await harness.redis.del(TOKEN_KEYS.touch(tokenId));

      await recorder.noteUse(tokenId, new Date(first.getTime() + MINUTE_MS));

      expect(await touchJobsOf(tokenId)).toHaveLength(2);
    });

    it('never throws when Redis fails', async () => {
      const recorder = new TokenUsageRecorder(harness.redis, queue);
      const { tokenId } = await token();
      const set = jest.spyOn(harness.redis, 'set').mockRejectedValueOnce(new Error('down'));

      await expect(recorder.noteUse(tokenId)).resolves.toBeUndefined();

      set.mockRestore();
      expect(await touchJobsOf(tokenId)).toEqual([]);
    });
  });

  describe('TokenUsageWriter', () => {
    it('moves last_used_at forward only, taking the latest touch of a batch', async () => {
      const writer = harness.get(TokenUsageWriter);
      const { tokenId } = await token();
      const t1 = new Date(Date.now() + 1_000);
      const t2 = new Date(t1.getTime() + 5_000);

      expect(await writer.write([{ tokenId, usedAt: t1 }])).toBe(1);
      expect(await lastUsedAt(tokenId)).toEqual(t1);

      expect(await writer.write([{ tokenId, usedAt: new Date(t1.getTime() - 1_000) }])).toBe(0);
      expect(await lastUsedAt(tokenId)).toEqual(t1);

      const written = await writer.write([
        { tokenId, usedAt: t2 },
        { tokenId, usedAt: new Date(t1.getTime() + 1_000) },
      ]);
      expect(written).toBe(1);
      expect(await lastUsedAt(tokenId)).toEqual(t2);
    });

    it('leaves revoked rows alone', async () => {
      const writer = harness.get(TokenUsageWriter);
      const live = await token();
      const revoked = await token();
      await harness.dataSource.query(
        `UPDATE oauth_access_tokens SET revoked_at = now(), token_hash = NULL WHERE id = $1`,
        [revoked.tokenId],
      );
      const usedAt = new Date(Date.now() + 1_000);

      const written = await writer.write([
        { tokenId: live.tokenId, usedAt },
        { tokenId: revoked.tokenId, usedAt },
      ]);

      expect(written).toBe(1);
      expect(await lastUsedAt(revoked.tokenId)).toBeNull();
      expect(await lastUsedAt(live.tokenId)).toEqual(usedAt);
    });

    it('ignores a touch of the token a rotation replaced', async () => {
      const writer = harness.get(TokenUsageWriter);
      const { tokenId } = await token();

      expect(await writer.write([{ tokenId, usedAt: new Date(Date.now() - MINUTE_MS) }])).toBe(0);
      expect(await lastUsedAt(tokenId)).toBeNull();
    });

    it('writes nothing for an empty batch', async () => {
      await expect(harness.get(TokenUsageWriter).write([])).resolves.toBe(0);
    });
  });

  describe('TokenTouchBatcher', () => {
    it('writes a full batch at once, without waiting for the deadline', async () => {
      const writer = harness.get(TokenUsageWriter);
      const write = jest.spyOn(writer, 'write');
      const batcher = new TokenTouchBatcher(writer, { maxSize: 3, maxWaitMs: 10 * MINUTE_MS });
      const tokens = await Promise.all([token(), token(), token()]);
      const usedAt = new Date(Date.now() + 1_000);

      // Would time the test out if the batch waited for its ten-minute deadline.
      await Promise.all(tokens.map(({ tokenId }) => batcher.add({ tokenId, usedAt })));

      expect(write).toHaveBeenCalledTimes(1);
      write.mockRestore();
      for (const { tokenId } of tokens) expect(await lastUsedAt(tokenId)).toEqual(usedAt);
    });

    it('writes a partial batch once its deadline passes', async () => {
      const writer = harness.get(TokenUsageWriter);
      const write = jest.spyOn(writer, 'write');
      const batcher = new TokenTouchBatcher(writer, { maxSize: 500, maxWaitMs: 300 });
      const tokens = await Promise.all([token(), token()]);
      const usedAt = new Date(Date.now() + 1_000);
      const started = Date.now();

      await Promise.all(tokens.map(({ tokenId }) => batcher.add({ tokenId, usedAt })));

      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(write).toHaveBeenCalledTimes(1);
      write.mockRestore();
      for (const { tokenId } of tokens) expect(await lastUsedAt(tokenId)).toEqual(usedAt);
    });

    it('fails every touch of a batch whose write failed, so their jobs retry', async () => {
      const writer = harness.get(TokenUsageWriter);
      const batcher = new TokenTouchBatcher(writer, { maxSize: 2, maxWaitMs: MINUTE_MS });
      const write = jest.spyOn(writer, 'write').mockRejectedValueOnce(new Error('postgres down'));
      const tokens = await Promise.all([token(), token()]);
      const usedAt = new Date(Date.now() + 1_000);

      const outcomes = await Promise.allSettled(
        tokens.map(({ tokenId }) => batcher.add({ tokenId, usedAt })),
      );

      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      write.mockRestore();
      await Promise.all(tokens.map(({ tokenId }) => batcher.add({ tokenId, usedAt })));
      for (const { tokenId } of tokens) expect(await lastUsedAt(tokenId)).toEqual(usedAt);
    });
  });
});
