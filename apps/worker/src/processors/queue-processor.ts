import { WorkerHost } from '@nestjs/bullmq';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { MetricsService } from '@dify/platform';
import {
  InvalidJobPayloadError,
  JOBS_BY_QUEUE,
  validateJobPayload,
  type JobsOf,
  type PayloadOf,
  type QueueName,
} from '@dify/queue-contracts';
import { type Job, UnrecoverableError } from 'bullmq';
import type { PinoLogger } from 'nestjs-pino';

export type JobHandlers<Q extends QueueName> = {
  readonly [J in JobsOf<Q>]: (payload: PayloadOf<J>, job: Job) => Promise<unknown>;
};

/**
 * One processor per queue: validates each job against its payload class and dispatches on the
 * job name to a thin handler. Bad payloads and unknown jobs fail permanently; anything a handler
 * throws is retried by BullMQ with the queue's backoff.
 */
export abstract class QueueProcessor<Q extends QueueName>
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  protected abstract readonly queue: Q;
  protected abstract readonly handlers: JobHandlers<Q>;

  protected constructor(
    private readonly concurrency: number,
    private readonly metrics: MetricsService,
    protected readonly logger: PinoLogger,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // Every job of the queue has exactly one handler, and nothing else: checked at start-up so a
    // missing handler never shows up first as a failed job in production.
    const expected = [...JOBS_BY_QUEUE[this.queue]].sort();
    const actual = Object.keys(this.handlers).sort();
    if (expected.join() !== actual.join()) {
      throw new Error(
        `${this.queue} processor handles [${actual.join(', ')}], expected [${expected.join(', ')}]`,
      );
    }
    this.worker.concurrency = this.concurrency;
    // Unheard, BullMQ prints a worker's error (a Redis refusal, a failover) with console.error,
    // the Redis command and its arguments included; through the logger it is redacted.
    this.worker.on('error', (error) => {
      this.logger.error({ err: error, queue: this.queue }, 'queue worker error');
    });
  }

  /** Finishes the jobs in flight before pools close; no new job is taken meanwhile. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobsOf<Q>;
    const handler = this.handlers[name] as
      | ((payload: unknown, job: Job) => Promise<unknown>)
      | undefined;
    try {
      if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}"`);
      let payload: unknown;
      try {
        payload = validateJobPayload(name, job.data);
      } catch (error) {
        if (error instanceof InvalidJobPayloadError) throw new UnrecoverableError(error.message);
        throw error;
      }
      const result = await handler(payload, job);
      this.count(job, 'completed');
      return result;
    } catch (error) {
      const permanent = error instanceof UnrecoverableError;
      this.count(job, permanent ? 'rejected' : 'failed');
      this.logger.warn(
        {
          err: error,
          queue: this.queue,
          job: job.name,
          job_id: job.id,
          attempt: job.attemptsMade + 1,
        },
        permanent ? 'job rejected' : 'job failed, will retry if attempts remain',
      );
      throw error;
    }
  }

  private count(job: Job, outcome: string): void {
    this.metrics.jobsProcessed.inc({ queue: this.queue, job: job.name, outcome });
  }
}
