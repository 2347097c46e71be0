import { DEFAULT_AUDIT_BATCH_LIMITS } from '@dify/audit';
import { EnvValidationError, loadEnv } from '@dify/platform';
import { readmeEnvMismatches } from '@dify/testing';
import { concurrencyFor, DEFAULT_CONCURRENCY, workerEnvSchema } from './worker.env';

describe('worker env', () => {
  it('is documented in the README with its real defaults', () => {
    expect(readmeEnvMismatches(workerEnvSchema)).toEqual([]);
  });

  it('consumes every queue it has processors for by default, at default concurrency', () => {
    const config = loadEnv(workerEnvSchema, {});
    expect(config.WORKER_QUEUES).toEqual(['audit', 'mail', 'token-usage', 'maintenance']);
    expect(concurrencyFor(config, 'audit')).toBe(DEFAULT_CONCURRENCY.audit);
  });

  it('runs no more audit jobs at once by default than one batch of rows holds', () => {
    // Each running job waits on the batch holding its row, so one batch can carry them all.
    expect(DEFAULT_CONCURRENCY.audit).toBeLessThanOrEqual(DEFAULT_AUDIT_BATCH_LIMITS.maxSize);
  });

  it('takes per-queue concurrency overrides', () => {
    const config = loadEnv(workerEnvSchema, {
      WORKER_QUEUES: 'audit',
      WORKER_CONCURRENCY: 'audit=25, maintenance=2',
    });
    expect(config.WORKER_QUEUES).toEqual(['audit']);
    expect(concurrencyFor(config, 'audit')).toBe(25);
    expect(concurrencyFor(config, 'maintenance')).toBe(2);
  });

  it.each(['audit', 'audit=0', 'audit=x', 'nope=3', 'audit=3=4'])(
    'refuses WORKER_CONCURRENCY=%s',
    (value) => {
      expect(() => loadEnv(workerEnvSchema, { WORKER_CONCURRENCY: value })).toThrow(
        EnvValidationError,
      );
    },
  );

  it('refuses a queue it cannot serve', () => {
    expect(() => loadEnv(workerEnvSchema, { WORKER_QUEUES: 'audit,emails' })).toThrow(
      /WORKER_QUEUES/,
    );
  });
});
