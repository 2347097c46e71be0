import type { DefaultJobOptions } from './job-options';
import { JOB_DEFINITIONS, type JobDefinition, type PayloadOf } from './job-definitions';
import type { JobName, QueueName } from './queue-names';

/** What `Queue.add` receives, as BullMQ's `JobsOptions` accepts it. */
export interface JobRequestOptions extends DefaultJobOptions {
  readonly jobId?: string;
}

export interface JobRequest<J extends JobName> {
  readonly name: J;
  readonly data: PayloadOf<J>;
  readonly opts: JobRequestOptions;
}

/**
 * The part of a BullMQ queue a producer needs, declared structurally so this library stays free
 * of the queue framework. `name` is the queue's own name (without the key prefix).
 */
export interface JobQueue<R = unknown> {
  readonly name: string;
  add(name: string, data: unknown, opts: JobRequestOptions): Promise<R>;
}

/** A producer handed the wrong queue: a wiring mistake, refused before anything is enqueued. */
export class WrongQueueError extends Error {
  constructor(job: JobName, expected: QueueName, actual: string) {
    super(`${job} travels on the ${expected} queue, not on ${actual}`);
  }
}

/** The add call of a job, derived from its definition: name, payload, options and job id. */
export function jobRequest<J extends JobName>(job: J, payload: PayloadOf<J>): JobRequest<J> {
  // Indexing by a generic name widens to every definition; this one is the one for `job`.
  const definition = JOB_DEFINITIONS[job] as JobDefinition<QueueName, PayloadOf<J>>;
  const jobId = definition.jobId?.(payload);
  return {
    name: job,
    data: payload,
    opts: { ...definition.options, ...(jobId === undefined ? {} : { jobId }) },
  };
}

/**
 * Enqueues a job on its queue with the options and id its definition gives. Payloads are not
 * validated here: the consumer validates every job it takes, whoever produced it.
 */
export async function enqueue<J extends JobName, R>(
  queue: JobQueue<R>,
  job: J,
  payload: PayloadOf<J>,
): Promise<R> {
  const expected = JOB_DEFINITIONS[job].queue;
  if (queue.name !== expected) throw new WrongQueueError(job, expected, queue.name);
  const request = jobRequest(job, payload);
  return queue.add(request.name, request.data, request.opts);
}
