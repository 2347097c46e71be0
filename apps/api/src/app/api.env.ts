import { trustedProxyEnv, clientVersionEnv } from '@dify/http-edge';
import {
  databaseEnv,
  env,
  listenEnv,
  opsListenEnv,
  loggingEnv,
  publicUrlEnv,
  redisEnv,
  secretKeyEnv,
  shutdownEnv,
  type EnvOf,
} from '@dify/platform';
import { identityEnv } from '@dify/identity';
import { licensingEnv } from '@dify/licensing';
import { bearerApiEnv } from '../bearer/bearer-api.env';
import { systemEnv } from '../system/system.env';

export const apiEnvSchema = {
  ...databaseEnv,
  ...redisEnv,
  ...loggingEnv,
  ...listenEnv,
  ...opsListenEnv,
  ...shutdownEnv,
  ...secretKeyEnv,
  ...publicUrlEnv,
  ...trustedProxyEnv,
  ...clientVersionEnv,
  ...identityEnv,
  ...licensingEnv,
  ...bearerApiEnv,
  ...systemEnv,
  API_PORT: env.port({ description: 'HTTP port of the api gateway', default: 5001 }),
  API_OPS_PORT: env.port({
    description: 'Health and metrics listener of the api gateway, on OPS_HOST',
    default: 5005,
  }),
  AUTH_INTERNAL_URL: env.url({
    description: 'Where the gateway reaches the auth service',
    default: 'http://127.0.0.1:5002',
    protocols: ['http:', 'https:'],
  }),
} as const;

export type ApiConfig = EnvOf<typeof apiEnvSchema>;
