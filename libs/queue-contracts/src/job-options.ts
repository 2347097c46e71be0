import type { QueueName } from './queue-names';

/**
 * Default options per queue, in the shape BullMQ's `JobsOptions` accepts. Declared structurally
 * so this library stays free of the queue framework.
 */
export interface DefaultJobOptions {
  readonly attempts: number;
  readonly backoff: { readonly type: 'exponential'; readonly delay: number };
  readonly removeOnComplete: { readonly age: number; readonly count: number };
  readonly removeOnFail: { readonly age: number };
}

const HOUR_S = 3_600;
const WEEK_S = 7 * 24 * HOUR_S;

export const DEFAULT_JOB_OPTIONS = {
  // Audit rows must not be lost to a brief Postgres outage: retry for roughly four minutes.
  audit: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: HOUR_S, count: 1_000 },
    removeOnFail: { age: WEEK_S },
  },
  mail: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: HOUR_S, count: 1_000 },
    removeOnFail: { age: WEEK_S },
  },
  // A lost touch only makes last_used_at slightly stale; the next use sends another.
  'token-usage': {
    attempts: 3,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: 60, count: 100 },
    removeOnFail: { age: HOUR_S },
  },
  maintenance: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 10_000 },
    removeOnComplete: { age: 24 * HOUR_S, count: 100 },
    removeOnFail: { age: WEEK_S },
  },
} as const satisfies Readonly<Record<QueueName, DefaultJobOptions>>;
