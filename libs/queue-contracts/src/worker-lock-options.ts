import type { QueueName } from './queue-names';

/**
 * How quickly the jobs of a crashed worker are handed to another, per queue, in the shape
 * BullMQ's `WorkerOptions` accepts. A worker holds a lock on each job it runs and renews it every
 * `lockDuration / 2`; when the worker dies the lock lapses after `lockDuration`, and the next
 * stalled-job check (every `stalledInterval`, by any worker of the queue) puts the job back in
 * the queue. So a killed worker's jobs run again within about `lockDuration + stalledInterval`.
 * A shorter lock hands jobs over sooner, but a process that blocks its event loop for longer
 * than the lock loses it and the job may run twice: every handler is idempotent for that reason.
 * A job found stalled more than `maxStalledCount` times fails instead of looping forever.
 */
export interface WorkerLockOptions {
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly maxStalledCount: number;
}

export const WORKER_LOCK_OPTIONS = {
  // A row waits at most 5 ms for its batched insert (ON CONFLICT DO NOTHING): resumes within about 6 s.
  audit: { lockDuration: 4_000, stalledInterval: 2_000, maxStalledCount: 3 },
  // A touch waits at most 1 s for its batch; the batched UPDATE never moves a value backwards.
  'token-usage': { lockDuration: 4_000, stalledInterval: 2_000, maxStalledCount: 3 },
  // An SMTP exchange may take seconds; a mail sent twice is worse than one sent 15 s late.
  mail: { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 2 },
  // Purges run in batches for minutes and are idempotent; nothing waits on them.
  maintenance: { lockDuration: 30_000, stalledInterval: 15_000, maxStalledCount: 2 },
} as const satisfies Readonly<Record<QueueName, WorkerLockOptions>>;
