import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { MetricsService } from '@dify/platform';
import { QUEUES, WORKER_LOCK_OPTIONS } from '@dify/queue-contracts';
import { TokenTouchBatcher } from '@dify/tokens';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { WORKER_CONFIG } from '../app/worker-config.token';
import { concurrencyFor, type WorkerConfig } from '../app/worker.env';
import { QueueProcessor, type JobHandlers } from './queue-processor';

/**
 * `token-usage`: each touch joins the in-process batch, and its job completes once the batch
 * holding it is written, so a failed write is retried like any other job.
 */
@Processor(QUEUES.tokenUsage, WORKER_LOCK_OPTIONS[QUEUES.tokenUsage])
export class TokenUsageProcessor extends QueueProcessor<'token-usage'> {
  protected readonly queue = QUEUES.tokenUsage;
  protected readonly handlers: JobHandlers<'token-usage'> = {
    'token.touch': (touch) =>
      this.touches.add({ tokenId: touch.tokenId, usedAt: new Date(touch.usedAt) }),
  };

  constructor(
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    metrics: MetricsService,
    @InjectPinoLogger(TokenUsageProcessor.name) logger: PinoLogger,
    private readonly touches: TokenTouchBatcher,
  ) {
    const concurrency = concurrencyFor(config, QUEUES.tokenUsage);
    super(concurrency, metrics, logger);
    // Every running job waits in the batcher; once all of them do, no more can arrive.
    touches.expectConcurrency(concurrency);
  }
}
