import type { DefaultJobOptions } from './job-options';
import { JOB_DEFINITIONS } from './job-definitions';
import { JOBS, type JobName, type QueueName } from './queue-names';

export type ScheduleRepeat =
  | { readonly kind: 'cron'; readonly pattern: string; readonly tz: 'UTC' }
  | { readonly kind: 'every'; readonly everyMs: number };

export interface ScheduleEntry {
  /** The BullMQ job scheduler id. Fixed, so every beat replica upserts the same scheduler. */
  readonly id: string;
  /** The queue of the job, as its definition gives it. */
  readonly queue: QueueName;
  readonly job: JobName;
  readonly repeat: ScheduleRepeat;
  /** A schedule an operator can switch off; beat removes its scheduler when switched off. */
  readonly switch?: 'tokenPurge';
}

/** A schedule of a job, on the queue the job's definition names. */
function schedule(entry: Omit<ScheduleEntry, 'queue'>): ScheduleEntry {
  return { ...entry, queue: JOB_DEFINITIONS[entry.job].queue };
}

/**
 * Every recurring job of the system (docs/queues.md, "Schedules"). `beat` is the only process
 * applying it.
 */
export const SCHEDULES: readonly ScheduleEntry[] = [
  schedule({
    id: 'tokens.purge-retention',
    job: JOBS.tokensPurgeRetention,
    repeat: { kind: 'cron', pattern: '0 5 * * *', tz: 'UTC' },
    switch: 'tokenPurge',
  }),
  schedule({
    id: 'license.refresh',
    job: JOBS.licenseRefresh,
    repeat: { kind: 'every', everyMs: 60_000 },
  }),
  schedule({
    id: 'audit.purge-retention',
    job: JOBS.auditPurgeRetention,
    repeat: { kind: 'cron', pattern: '30 5 * * *', tz: 'UTC' },
  }),
];

/**
 * The job a schedule creates on every tick, as BullMQ's job scheduler template accepts it.
 * Scheduled jobs carry an empty payload and no job id: the scheduler names each run itself.
 */
export function scheduledJob(entry: ScheduleEntry): {
  readonly name: JobName;
  readonly data: Record<string, never>;
  readonly opts: DefaultJobOptions;
} {
  return { name: entry.job, data: {}, opts: { ...JOB_DEFINITIONS[entry.job].options } };
}
