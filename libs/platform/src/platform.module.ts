import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { HealthIndicator } from './health/health-indicator';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { DiscoveryModule } from '@nestjs/core';
import { bullRootOptions, type QueueRole } from './queue/queue-connection';
import { QueueConnectionWatch } from './queue/queue-connection-watch';
import type { RedisSettings } from './redis/redis-connection';
import { RedisHealthIndicator, RedisModule } from './redis/redis.module';

export interface PlatformOptions {
  readonly service: string;
  readonly logLevel: string;
  readonly redis: RedisSettings;
  /**
   * Also answer /health/live and /health/ready on an HTTP app's public port. Health and metrics are
   * always on the process's ops listener.
   */
  readonly healthOnMainPort: boolean;
  /** Readiness checks besides Redis, provided by the process's other modules (e.g. Postgres). */
  readonly healthIndicators?: readonly Type<HealthIndicator>[];
  /** Whether this process consumes jobs (worker) or only adds them; producers by default. */
  readonly queueRole?: QueueRole;
  /** Hot paths served without a per-request logger (see LoggingOptions). */
  readonly unloggedPaths?: readonly string[];
}

/**
 * What every process stands on: JSON logging, the shared Redis client, BullMQ's connection,
 * health and metrics. Each app adds its own data and queue modules on top.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggingModule.forRoot({
          service: options.service,
          level: options.logLevel,
          unloggedPaths: options.unloggedPaths,
        }),
        RedisModule.forRoot(options.redis),
        HealthModule.forRoot({
          probesOnMainPort: options.healthOnMainPort,
          indicators: [...(options.healthIndicators ?? []), RedisHealthIndicator],
        }),
        BullModule.forRoot(bullRootOptions(options.redis, options.queueRole ?? 'producer')),
        DiscoveryModule,
      ],
      providers: [QueueConnectionWatch],
    };
  }
}
