import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { AuditLogService } from '@dify/audit';
import { LicenseRefreshService } from '@dify/licensing';
import { MetricsService } from '@dify/platform';
import { QUEUES, WORKER_LOCK_OPTIONS } from '@dify/queue-contracts';
import { TokenRetentionService } from '@dify/tokens';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { WORKER_CONFIG } from '../app/worker-config.token';
import { concurrencyFor, type WorkerConfig } from '../app/worker.env';
import { QueueProcessor, type JobHandlers } from './queue-processor';

@Processor(QUEUES.maintenance, WORKER_LOCK_OPTIONS.maintenance)
export class MaintenanceProcessor extends QueueProcessor<'maintenance'> {
  protected readonly queue = QUEUES.maintenance;
  protected readonly handlers: JobHandlers<'maintenance'> = {
    'tokens.purge-retention': () =>
      this.tokenRetention.purge(new Date(), this.config.OAUTH_ACCESS_TOKEN_RETENTION_DAYS),
    'license.refresh': () => this.licenseRefresh.refresh(),
    'audit.purge-retention': () =>
      this.auditLog.purge(new Date(), this.config.AUDIT_LOG_RETENTION_DAYS),
  };

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    metrics: MetricsService,
    @InjectPinoLogger(MaintenanceProcessor.name) logger: PinoLogger,
    private readonly tokenRetention: TokenRetentionService,
    private readonly licenseRefresh: LicenseRefreshService,
    private readonly auditLog: AuditLogService,
  ) {
    super(concurrencyFor(config, QUEUES.maintenance), metrics, logger);
  }

  /**
   * The licence status is refreshed once at start as well (docs/queues.md, "Queues and jobs"): a
   * fresh deployment should not wait for beat's first tick to report its edition. A failure is only
   * logged; the scheduled job retries.
   */
  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.licenseRefresh.refresh().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'licence status could not be refreshed at start');
    });
  }
}
