import { createHttpApp, ErrorEnvelopeFilter, publicUrlsAreHttps } from '@dify/http-edge';
import { createServiceLogger } from '@dify/platform';
import { IDENTITY_ERROR_STATUSES } from '../console/identity-error.statuses';
import { AuthProxy } from '../proxy/auth-proxy';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AccountAnswer } from '../bearer/account-answer.service';
import { registerAccountRoute } from '../bearer/account.route';
import { BearerAccessGuard } from '../bearer/bearer-access.guard';
import { BearerAuthGuard } from '../bearer/bearer-auth.guard';
import { ApiModule } from './api.module';
import type { ApiConfig } from './api.env';

/** The gateway app as production runs it; tests build it the same way and listen where they like. */
export async function createApiApp(config: ApiConfig): Promise<NestFastifyApplication> {
  const proxy = new AuthProxy(
    config.AUTH_INTERNAL_URL,
    config.TRUSTED_PROXY_CIDRS,
    // The proxy runs outside Nest's logger (it sees requests first), so it gets its own.
    createServiceLogger('api', config.LOG_LEVEL),
  );
  const app = await createHttpApp(ApiModule.forRoot(config), {
    domainErrorStatuses: IDENTITY_ERROR_STATUSES,
    trustedProxies: config.TRUSTED_PROXY_CIDRS,
    minClientVersion: config.DIFYCTL_MIN_VERSION,
    strictTransportSecurity: publicUrlsAreHttps(config),
    interceptRequest: (request, response) => proxy.handle(request, response),
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onClose', () => proxy.close());
  registerAccountRoute(fastify, {
    authentication: app.get(BearerAuthGuard),
    access: app.get(BearerAccessGuard),
    account: app.get(AccountAnswer),
    errors: new ErrorEnvelopeFilter(app.get(Logger), IDENTITY_ERROR_STATUSES),
  });
  return app;
}
