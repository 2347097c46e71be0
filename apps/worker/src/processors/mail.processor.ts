import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { MetricsService } from '@dify/platform';
import { QUEUES, WORKER_LOCK_OPTIONS } from '@dify/queue-contracts';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { WORKER_CONFIG } from '../app/worker-config.token';
import { concurrencyFor, type WorkerConfig } from '../app/worker.env';
import { NewDeviceSigninHandler } from '../mail/new-device-signin.handler';
import { QueueProcessor, type JobHandlers } from './queue-processor';

@Processor(QUEUES.mail, WORKER_LOCK_OPTIONS.mail)
export class MailProcessor extends QueueProcessor<'mail'> {
  protected readonly queue = QUEUES.mail;
  protected readonly handlers: JobHandlers<'mail'> = {
    'mail.new-device-signin': (payload) => this.newDeviceSignin.handle(payload),
  };

  constructor(
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    metrics: MetricsService,
    @InjectPinoLogger(MailProcessor.name) logger: PinoLogger,
    private readonly newDeviceSignin: NewDeviceSigninHandler,
  ) {
    super(concurrencyFor(config, QUEUES.mail), metrics, logger);
  }
}
