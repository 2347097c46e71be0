import { type DynamicModule, Module } from '@nestjs/common';
import { WorkspacesModule } from '@dify/identity';
import { LicensingModule } from '@dify/licensing';
import { RateLimitModule } from '@dify/platform';
import { BearerResolutionModule } from '@dify/tokens';
import { AccountAnswer } from './account-answer.service';
import { AccountSessionsController } from './account-sessions.controller';
import { BearerAccessGuard } from './bearer-access.guard';
import { BearerAuthGuard } from './bearer-auth.guard';
import { BEARER_API_SETTINGS, type BearerApiSettings } from './bearer-api.settings';
import { MetaController } from './meta.controller';
import { PACKAGE_VERSION, readPackageVersion } from './package-version';
import { WorkspacesController } from './workspaces.controller';

/**
 * The bearer API for CLIs and scripts (docs/bearer-api.md): `/openapi/v1/account*`,
 * `/openapi/v1/workspaces*`, the meta routes and the legacy aliases `/v1/me` and
 * `DELETE /v1/oauth/authorizations/self`. Needs the global DbModule, PlatformModule (Redis,
 * BullMQ) and an AuditSink from the gateway.
 */
@Module({})
export class BearerApiModule {
  static forRoot(settings: BearerApiSettings): DynamicModule {
    return {
      module: BearerApiModule,
      imports: [
        LicensingModule.forRoot(settings.license),
        // The gateway resolves, revokes and touches tokens but never mints one: no issuance, no
        // OAUTH_TTL_DAYS (a service validates only what it uses).
        BearerResolutionModule,
        RateLimitModule,
        // Workspaces and the account read model only: no console sessions, passwords, cookies
        // or their secrets.
        WorkspacesModule,
      ],
      // `GET /openapi/v1/account` is a plain Fastify route (see `account.route.ts`).
      controllers: [AccountSessionsController, MetaController, WorkspacesController],
      providers: [
        { provide: BEARER_API_SETTINGS, useValue: Object.freeze({ ...settings }) },
        { provide: PACKAGE_VERSION, useFactory: () => readPackageVersion() },
        AccountAnswer,
        BearerAccessGuard,
        BearerAuthGuard,
      ],
    };
  }
}
