import { type DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@dify/audit';
import { DatabaseHealthIndicator, DbModule } from '@dify/db';
import { PlatformModule } from '@dify/platform';
import { identitySettingsFrom } from '@dify/identity';
import { ACCOUNT_PATHS } from '../bearer/account.route';
import { AccountViewModule } from '../bearer/account-view.cache';
import { BearerApiModule } from '../bearer/bearer-api.module';
import { bearerApiSettingsFrom } from '../bearer/bearer-api.settings';
import { ConsoleModule } from '../console/console.module';
import { SystemModule } from '../system/system.module';
import { systemSettingsFrom } from '../system/system.settings';
import { WebPagesModule } from '../web/web-pages.module';
import { API_CONFIG } from './api-config.token';
import type { ApiConfig } from './api.env';

/** The gateway for the browser and the CLI. */
@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        PlatformModule.forRoot({
          service: 'api',
          logLevel: config.LOG_LEVEL,
          redis: { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX },
          healthOnMainPort: config.HEALTH_ON_MAIN_PORT,
          healthIndicators: [DatabaseHealthIndicator],
          // The CLI's whoami, answered from caches: a per-request logger cost more than the answer
          // (see `account.route.ts`).
          unloggedPaths: ACCOUNT_PATHS,
        }),
        DbModule.forRoot({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
          applicationName: 'dify-api',
        }),
        AuditModule.forService('api'),
        AccountViewModule,
        BearerApiModule.forRoot(bearerApiSettingsFrom(config)),
        ConsoleModule.forRoot(identitySettingsFrom(config)),
        SystemModule.forRoot(systemSettingsFrom(config)),
        WebPagesModule.forRoot(),
      ],
      providers: [{ provide: API_CONFIG, useValue: config }],
    };
  }
}
