import { createHttpApp } from '@dify/platform';
import { IDENTITY_ERROR_STATUSES } from '../console/identity-error.statuses';
import { registerAuthProxy } from '../proxy/auth-proxy';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiModule } from './api.module';
import type { ApiConfig } from './api.env';

/** The gateway app as production runs it; tests build it the same way and listen where they like. */
export async function createApiApp(config: ApiConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(ApiModule.forRoot(config), {
    domainErrorStatuses: IDENTITY_ERROR_STATUSES,
    trustedProxies: config.TRUSTED_PROXY_CIDRS,
    minClientVersion: config.DIFYCTL_MIN_VERSION,
  });
  registerAuthProxy(app.getHttpAdapter().getInstance(), config.AUTH_INTERNAL_URL);
  return app;
}
