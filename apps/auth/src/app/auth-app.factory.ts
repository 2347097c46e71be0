import { createHttpApp } from '@dify/platform';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuthModule } from './auth.module';
import type { AuthConfig } from './auth.env';

/** The auth app as production runs it; tests build it the same way and listen where they like. */
export function createAuthApp(config: AuthConfig): Promise<NestFastifyApplication> {
  return createHttpApp(AuthModule.forRoot(config), { trustedProxies: config.TRUSTED_PROXY_CIDRS });
}
