import { env, listenEnv, loggingEnv, redisEnv, type EnvOf } from '@dify/platform';

export const beatEnvSchema = {
  ...redisEnv,
  ...loggingEnv,
  ...listenEnv,
  BEAT_HEALTH_PORT: env.port({ description: 'Health and metrics listener of beat', default: 5004 }),
  ENABLE_CLEAN_OAUTH_ACCESS_TOKENS_TASK: env.bool({
    description: 'Schedule the daily purge of revoked and expired tokens',
    default: true,
  }),
} as const;

export type BeatConfig = EnvOf<typeof beatEnvSchema>;
