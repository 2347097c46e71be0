import {
  databaseEnv,
  env,
  listenEnv,
  loggingEnv,
  publicUrlEnv,
  redisEnv,
  secretKeyEnv,
  trustedProxyEnv,
  type EnvOf,
} from '@dify/platform';

export const authEnvSchema = {
  ...databaseEnv,
  ...redisEnv,
  ...loggingEnv,
  ...listenEnv,
  ...secretKeyEnv,
  ...publicUrlEnv,
  ...trustedProxyEnv,
  AUTH_PORT: env.port({ description: 'HTTP port of the auth service', default: 5002 }),
} as const;

export type AuthConfig = EnvOf<typeof authEnvSchema>;
