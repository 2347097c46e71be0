import { type DynamicModule, Global, Module, type Type } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { HEALTH_INDICATORS, type HealthIndicator } from './health-indicator';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

export interface HealthModuleOptions {
  /** Indicator classes provided by the process's infrastructure modules (Postgres, Redis). */
  readonly indicators: readonly Type<HealthIndicator>[];
  /**
   * Also serve the probes through the app's own router. Every process serves them, and metrics,
   * on its OpsServer.
   */
  readonly probesOnMainPort: boolean;
}

@Global()
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      controllers: options.probesOnMainPort ? [HealthController] : [],
      providers: [
        {
          provide: HEALTH_INDICATORS,
          useFactory: (...indicators: HealthIndicator[]) => indicators,
          inject: [...options.indicators],
        },
        HealthService,
        MetricsService,
      ],
      exports: [HealthService, MetricsService],
    };
  }
}
