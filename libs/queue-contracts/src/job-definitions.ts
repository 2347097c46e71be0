import { type DefaultJobOptions, DEFAULT_JOB_OPTIONS } from './job-options';
import { jobIds } from './job-ids';
import { AuditRecordPayload } from './payloads/audit-record.payload';
import { MailNewDeviceSigninPayload } from './payloads/mail-new-device-signin.payload';
import { MaintenancePayload } from './payloads/maintenance.payload';
import { TokenTouchPayload } from './payloads/token-touch.payload';
import { type JobName, QUEUES, type QueueName } from './queue-names';

/**
 * Everything producers and consumers agree on about one job: the queue it travels on, its
 * payload class (producers build it, consumers validate against it again), its options and, for
 * jobs that must not run twice, the job id derived from the payload.
 */
export interface JobDefinition<Q extends QueueName, P extends object> {
  readonly queue: Q;
  readonly payload: new () => P;
  readonly options: DefaultJobOptions;
  /** BullMQ ignores an add whose id exists, so this id dedupes; without one every add is a job. */
  jobId?(payload: P): string;
}

function defineJob<Q extends QueueName, P extends object>(
  queue: Q,
  payload: new () => P,
  jobId?: (payload: P) => string,
): JobDefinition<Q, P> {
  return { queue, payload, options: DEFAULT_JOB_OPTIONS[queue], ...(jobId ? { jobId } : {}) };
}

/** One definition per job, under its wire name. */
export const JOB_DEFINITIONS = {
  'audit.record': defineJob(QUEUES.audit, AuditRecordPayload, (event) =>
    jobIds.auditRecord(event.eventId),
  ),
  'mail.new-device-signin': defineJob(QUEUES.mail, MailNewDeviceSigninPayload, (mail) =>
    jobIds.mailNewDeviceSignin(mail.tokenId, mail.transitionId),
  ),
  'token.touch': defineJob(QUEUES.tokenUsage, TokenTouchPayload, (touch) =>
    jobIds.tokenTouch(touch.tokenId, new Date(touch.usedAt)),
  ),
  'tokens.purge-retention': defineJob(QUEUES.maintenance, MaintenancePayload),
  'license.refresh': defineJob(QUEUES.maintenance, MaintenancePayload),
  'audit.purge-retention': defineJob(QUEUES.maintenance, MaintenancePayload),
} as const satisfies { readonly [J in JobName]: JobDefinition<QueueName, object> };

type Definitions = typeof JOB_DEFINITIONS;

export type PayloadOf<J extends JobName> = InstanceType<Definitions[J]['payload']>;

/** The queue a job travels on. */
export type QueueOf<J extends JobName> = Definitions[J]['queue'];

/** The jobs a queue carries. A worker serving the queue must handle every one of them. */
export type JobsOf<Q extends QueueName> = {
  [J in JobName]: QueueOf<J> extends Q ? J : never;
}[JobName];

function jobsByQueue(): { readonly [Q in QueueName]: readonly JobsOf<Q>[] } {
  const byQueue: Record<QueueName, JobName[]> = {
    audit: [],
    mail: [],
    'token-usage': [],
    maintenance: [],
  };
  for (const job of Object.keys(JOB_DEFINITIONS) as JobName[]) {
    byQueue[JOB_DEFINITIONS[job].queue].push(job);
  }
  return byQueue as { readonly [Q in QueueName]: readonly JobsOf<Q>[] };
}

/** Which queue carries which jobs, read off the definitions. */
export const JOBS_BY_QUEUE = jobsByQueue();
