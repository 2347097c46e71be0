import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { AuditLogModule } from '@dify/audit';
import { DatabaseHealthIndicator, DbModule } from '@dify/db';
import { LicensingModule } from '@dify/licensing';
import { PlatformModule } from '@dify/platform';
import type { QueueName } from '@dify/queue-contracts';
import { TokenMaintenanceModule } from '@dify/tokens';
import { MailModule } from '../mail/mail.module';
import { AuditProcessor } from '../processors/audit.processor';
import { MailProcessor } from '../processors/mail.processor';
import { MaintenanceProcessor } from '../processors/maintenance.processor';
import { TokenUsageProcessor } from '../processors/token-usage.processor';
import { WORKER_CONFIG } from './worker-config.token';
import type { WorkerConfig } from './worker.env';

/** The processor of each queue this build can consume. */
export const QUEUE_PROCESSORS: Readonly<Record<QueueName, Type<unknown>>> = {
  audit: AuditProcessor,
  mail: MailProcessor,
  maintenance: MaintenanceProcessor,
  'token-usage': TokenUsageProcessor,
};

/**
 * The worker process: BullMQ consumers only, no HTTP API. Which queues it serves comes from
 * WORKER_QUEUES, so operators can run one worker deployment per queue and scale each.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    const queues = config.WORKER_QUEUES as readonly QueueName[];
    const processors: Provider[] = queues.map((queue) => QUEUE_PROCESSORS[queue]);
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forRoot({
          service: 'worker',
          logLevel: config.LOG_LEVEL,
          redis: { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX },
          healthOnMainPort: false,
          queueRole: 'consumer',
          healthIndicators: [DatabaseHealthIndicator],
        }),
        DbModule.forRoot({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
          applicationName: 'dify-worker',
        }),
        ...queues.map((queue) => BullModule.registerQueue({ name: queue })),
        LicensingModule.forRoot({
          licenseKey: config.LICENSE_KEY,
          publicKeyPem: config.LICENSE_PUBLIC_KEY,
          expiringDays: config.LICENSE_EXPIRING_DAYS,
        }),
        MailModule.forRoot(config),
        AuditLogModule,
        TokenMaintenanceModule,
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config }, ...processors],
    };
  }
}
