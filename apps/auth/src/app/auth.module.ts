import { type DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@dify/audit';
import { DatabaseHealthIndicator, DbModule } from '@dify/db';
import { DeviceFlowModule, deviceFlowSettingsFrom } from '@dify/device-flow';
import { IdentityModule, identitySettingsFrom } from '@dify/identity';
import { PlatformModule, RateLimitModule } from '@dify/platform';
import { TokenIssuanceModule, tokenIssuanceSettingsFrom } from '@dify/tokens';
import { DeviceLookupController } from '../device/device-lookup.controller';
import { DEVICE_TOKEN_PATHS } from '../device/device-token.route';
import { RevocationController } from '../device/revocation.controller';
import { AUTH_CONFIG } from './auth-config.token';
import type { AuthConfig } from './auth.env';

/** The device-flow and token-issuance service. */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    // One instance shared with the device-flow module: Nest matches dynamic modules by reference.
    const tokenIssuance = TokenIssuanceModule.forRoot(tokenIssuanceSettingsFrom(config));
    return {
      module: AuthModule,
      imports: [
        PlatformModule.forRoot({
          service: 'auth',
          logLevel: config.LOG_LEVEL,
          redis: { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX },
          healthOnMainPort: config.HEALTH_ON_MAIN_PORT,
          healthIndicators: [DatabaseHealthIndicator],
          unloggedPaths: DEVICE_TOKEN_PATHS,
        }),
        DbModule.forRoot({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
          applicationName: 'dify-auth',
        }),
        AuditModule.forService('auth'),
        IdentityModule.forRoot(identitySettingsFrom(config)),
        tokenIssuance,
        DeviceFlowModule.forRoot(deviceFlowSettingsFrom(config), { imports: [tokenIssuance] }),
        RateLimitModule,
      ],
      controllers: [DeviceLookupController, RevocationController],
      providers: [{ provide: AUTH_CONFIG, useValue: config }],
    };
  }
}
