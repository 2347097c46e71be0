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
import { deviceFlowEnv } from '@dify/device-flow';
import { identityEnv } from '@dify/identity';
import { tokenIssuanceEnv } from '@dify/tokens';

export const authEnvSchema = {
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
  ...tokenIssuanceEnv,
  ...deviceFlowEnv,
  AUTH_PORT: env.port({ description: 'HTTP port of the auth service', default: 5002 }),
  AUTH_OPS_PORT: env.port({
    description: 'Health and metrics listener of the auth service, on OPS_HOST',
    default: 5006,
  }),
} as const;

export type AuthConfig = EnvOf<typeof authEnvSchema>;
