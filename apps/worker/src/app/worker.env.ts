import {
  databaseEnv,
  env,
  EnvVarError,
  listenEnv,
  loggingEnv,
  redisEnv,
  type EnvOf,
  type EnvVar,
} from '@dify/platform';
import { licensingEnv } from '@dify/licensing';
import { mailEnv } from '../mail/mail.env';
import { ALL_QUEUES, type QueueName } from '@dify/queue-contracts';
import { DEFAULT_CONCURRENCY } from './default-concurrency';

export { DEFAULT_CONCURRENCY };

/** `audit=10,mail=2`: per-queue overrides; queues not named keep their default. */
function concurrencyOverrides(): EnvVar<Readonly<Partial<Record<QueueName, number>>>> {
  return {
    description: 'Per-queue concurrency overrides, e.g. audit=20,mail=4',
    defaultValue: '',
    secret: false,
    parse(raw) {
      const overrides: Partial<Record<QueueName, number>> = {};
      for (const entry of raw
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)) {
        const [queue, count, ...rest] = entry.split('=').map((part) => part.trim());
        if (!ALL_QUEUES.includes(queue as QueueName) || rest.length > 0) {
          throw new EnvVarError(
            `"${entry}" must be <queue>=<n> with queue one of ${ALL_QUEUES.join(', ')}`,
          );
        }
        const value = Number(count);
        if (!/^\d+$/.test(count ?? '') || value < 1 || value > 100) {
          throw new EnvVarError(`"${entry}" needs a concurrency from 1 to 100`);
        }
        overrides[queue as QueueName] = value;
      }
      return Object.freeze(overrides);
    },
  };
}

export const workerEnvSchema = {
  ...databaseEnv,
  ...redisEnv,
  ...loggingEnv,
  ...listenEnv,
  WORKER_HEALTH_PORT: env.port({
    description: 'Health and metrics listener of the worker',
    default: 5003,
  }),
  ...licensingEnv,
  ...mailEnv,
  WORKER_QUEUES: env.list({
    description: 'Queues this worker consumes',
    default: ALL_QUEUES.join(','),
    allowed: ALL_QUEUES,
  }),
  WORKER_CONCURRENCY: concurrencyOverrides(),
  AUDIT_LOG_RETENTION_DAYS: env.int({
    description: 'Audit rows older than this many days are purged daily',
    default: 180,
    min: 1,
  }),
  OAUTH_ACCESS_TOKEN_RETENTION_DAYS: env.int({
    description: 'Revoked or expired tokens are deleted this many days later',
    default: 30,
    min: 1,
  }),
} as const;

export type WorkerConfig = EnvOf<typeof workerEnvSchema>;

export function concurrencyFor(config: WorkerConfig, queue: QueueName): number {
  return config.WORKER_CONCURRENCY[queue] ?? DEFAULT_CONCURRENCY[queue];
}
