import { createHttpApp } from '@dify/platform';
import { IDENTITY_ERROR_STATUSES } from '../console/identity-error.statuses';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiModule } from './api.module';
import type { ApiConfig } from './api.env';

/** The gateway app as production runs it; tests build it the same way and listen where they like. */
export function createApiApp(config: ApiConfig): Promise<NestFastifyApplication> {
  return createHttpApp(ApiModule.forRoot(config), {
    domainErrorStatuses: IDENTITY_ERROR_STATUSES,
    trustedProxies: config.TRUSTED_PROXY_CIDRS,
  });
}
