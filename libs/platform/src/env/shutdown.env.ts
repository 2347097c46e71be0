import { env } from './env-var';

/** How an HTTP service shuts down (api and auth). */
export const shutdownEnv = {
  SHUTDOWN_GRACE_SECONDS: env.int({
    description:
      'Seconds an HTTP service keeps serving after SIGTERM while reporting not-ready, before it stops accepting connections',
    default: 5,
    min: 0,
    max: 120,
  }),
} as const;
