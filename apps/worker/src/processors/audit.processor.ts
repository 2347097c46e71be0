import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { AuditLogService } from '@dify/audit';
import { MetricsService } from '@dify/platform';
import { QUEUES, WORKER_LOCK_OPTIONS } from '@dify/queue-contracts';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { WORKER_CONFIG } from '../app/worker-config.token';
import { concurrencyFor, type WorkerConfig } from '../app/worker.env';
import { QueueProcessor, type JobHandlers } from './queue-processor';

/**
 * `audit`: each event's row joins the in-process batch, and its job completes once the INSERT
 * holding it has committed, so a failed write is retried like any other job.
 */
@Processor(QUEUES.audit, WORKER_LOCK_OPTIONS.audit)
export class AuditProcessor extends QueueProcessor<'audit'> {
  protected readonly queue = QUEUES.audit;
  protected readonly handlers: JobHandlers<'audit'> = {
    'audit.record': (event) => this.auditLog.write(event),
  };

  constructor(
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    metrics: MetricsService,
    @InjectPinoLogger(AuditProcessor.name) logger: PinoLogger,
    private readonly auditLog: AuditLogService,
  ) {
    const concurrency = concurrencyFor(config, QUEUES.audit);
    super(concurrency, metrics, logger);
    // Every running job waits on its batch; once all of them do, no more can arrive.
    auditLog.expectConcurrentWrites(concurrency);
  }
}
