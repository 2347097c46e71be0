import {
  databaseEnv,
  env,
  listenEnv,
  loggingEnv,
  publicUrlEnv,
  redisEnv,
  secretKeyEnv,
  type EnvOf,
} from '@dify/platform';

export const apiEnvSchema = {
  ...databaseEnv,
  ...redisEnv,
  ...loggingEnv,
  ...listenEnv,
  ...secretKeyEnv,
  ...publicUrlEnv,
  API_PORT: env.port({ description: 'HTTP port of the api gateway', default: 5001 }),
  AUTH_INTERNAL_URL: env.url({
    description: 'Where the gateway reaches the auth service',
    default: 'http://127.0.0.1:5002',
    protocols: ['http:', 'https:'],
  }),
} as const;

export type ApiConfig = EnvOf<typeof apiEnvSchema>;
