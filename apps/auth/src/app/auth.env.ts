import { trustedProxyEnv, clientVersionEnv } from '@dify/http-edge';
import {
  databaseEnv,
  env,
  listenEnv,
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
  ...shutdownEnv,
  ...secretKeyEnv,
  ...publicUrlEnv,
  ...trustedProxyEnv,
  ...clientVersionEnv,
  ...identityEnv,
  ...tokenIssuanceEnv,
  ...deviceFlowEnv,
  AUTH_PORT: env.port({ description: 'HTTP port of the auth service', default: 5002 }),
} as const;

export type AuthConfig = EnvOf<typeof authEnvSchema>;
