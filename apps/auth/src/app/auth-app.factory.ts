import { createHttpApp, ErrorEnvelopeFilter, publicUrlsAreHttps } from '@dify/http-edge';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  DEVICE_ERROR_STATUSES,
  DeviceAuthorizationService,
  DeviceDecisionService,
  DeviceTokenService,
} from '@dify/device-flow';
import {
  AccountDirectory,
  ConsoleCookies,
  ConsoleSessionService,
  CsrfTokens,
} from '@dify/identity';
import { Logger } from 'nestjs-pino';
import { registerDeviceAuthorizationRoute } from '../device/device-authorization.route';
import { registerDeviceDecisionRoutes } from '../device/device-decision.route';
import { registerDeviceTokenRoute } from '../device/device-token.route';
import { registerMetadataRoutes } from '../device/metadata.routes';
import { AuthModule } from './auth.module';
import type { AuthConfig } from './auth.env';

/** The auth app as production runs it; tests build it the same way and listen where they like. */
export async function createAuthApp(config: AuthConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AuthModule.forRoot(config), {
    domainErrorStatuses: DEVICE_ERROR_STATUSES,
    trustedProxies: config.TRUSTED_PROXY_CIDRS,
    minClientVersion: config.DIFYCTL_MIN_VERSION,
    strictTransportSecurity: publicUrlsAreHttps(config),
  });
  const fastify = app.getHttpAdapter().getInstance();
  registerMetadataRoutes(fastify, config.CONSOLE_API_URL);
  const errors = new ErrorEnvelopeFilter(app.get(Logger), DEVICE_ERROR_STATUSES);
  registerDeviceAuthorizationRoute(fastify, app.get(DeviceAuthorizationService), errors);
  registerDeviceDecisionRoutes(fastify, {
    decisions: app.get(DeviceDecisionService),
    accounts: app.get(AccountDirectory),
    sessions: app.get(ConsoleSessionService),
    cookies: app.get(ConsoleCookies),
    csrf: app.get(CsrfTokens),
    errors,
  });
  registerDeviceTokenRoute(fastify, app.get(DeviceTokenService), errors);
  return app;
}
