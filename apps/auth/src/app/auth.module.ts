import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseHealthIndicator, DbModule } from '@dify/db';
import { PlatformModule } from '@dify/platform';
import { AuditTrail, QUEUES } from '@dify/queue-contracts';
import type { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { AUTH_CONFIG } from './auth-config.token';
import type { AuthConfig } from './auth.env';

/** The device-flow and token-issuance service. */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        PlatformModule.forRoot({
          service: 'auth',
          logLevel: config.LOG_LEVEL,
          redis: { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX },
          http: true,
          healthIndicators: [DatabaseHealthIndicator],
        }),
        DbModule.forRoot({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          applicationName: 'dify-auth',
        }),
        BullModule.registerQueue({ name: QUEUES.audit }),
      ],
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        {
          provide: AuditTrail,
          useFactory: (queue: Queue, logger: PinoLogger) => new AuditTrail(queue, 'auth', logger),
          inject: [getQueueToken(QUEUES.audit), PinoLogger],
        },
      ],
      exports: [AuditTrail],
    };
  }
}
