import { env, EnvVarError, type EnvVar } from './env-var';

/** Env fragments shared by several services; each app composes the ones it uses into its schema. */

export const databaseEnv = {
  DATABASE_URL: env.url({
    description: 'Postgres connection URL',
    default: 'postgres://postgres@127.0.0.1:5432/dify',
    protocols: ['postgres:', 'postgresql:'],
    secret: true,
  }),
  DATABASE_POOL_MAX: env.int({
    description: 'Maximum Postgres connections per process',
    default: 10,
    min: 1,
    max: 200,
  }),
  DATABASE_PREPARED_STATEMENTS: env.bool({
    description:
      'Prepare each parameterised statement once per connection; false behind a transaction-mode pooler',
    default: true,
  }),
} as const;

export const redisEnv = {
  REDIS_URL: env.url({
    description: 'Redis connection URL (also used by BullMQ)',
    default: 'redis://127.0.0.1:6379/0',
    protocols: ['redis:', 'rediss:'],
    secret: true,
  }),
  REDIS_KEY_PREFIX: env.str({
    description: 'Prefix for every Redis key and BullMQ queue of this deployment',
    default: '',
    maxLength: 64,
  }),
} as const;

export const loggingEnv = {
  LOG_LEVEL: env.oneOf({
    description: 'pino log level',
    default: 'info',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
  }),
} as const;

export const listenEnv = {
  HOST: env.str({ description: 'Address the HTTP listeners bind to', default: '0.0.0.0' }),
} as const;

/**
 * Where the HTTP apps serve health and metrics (docs/operations.md, "Health and metrics"). They
 * tell the runtime version, memory, per-route status counts and dependency state, so they live on
 * a listener of their own, on loopback unless the operator says otherwise.
 */
export const opsListenEnv = {
  OPS_HOST: env.str({
    description: 'Address the health and metrics listener of api and auth binds to',
    default: '127.0.0.1',
  }),
  HEALTH_ON_MAIN_PORT: env.bool({
    description: 'Also answer /health/live and /health/ready on the public port (never /metrics)',
    default: false,
  }),
} as const;

/** The placeholder shipped in `.env.example`; a deployment that kept it has no secret at all. */
export const EXAMPLE_SECRET_KEY = 'change-me-to-a-random-secret-of-at-least-32-bytes';

function secretKey(): EnvVar<string> {
  const base = env.str({
    description: 'Signs console sessions and approval grants; at least 32 bytes, random',
    minLength: 32,
    secret: true,
  });
  return {
    ...base,
    parse(raw) {
      if (raw.trim() === EXAMPLE_SECRET_KEY) {
        throw new EnvVarError('still holds the example value; generate a random one');
      }
      return base.parse(raw);
    },
  };
}

export const secretKeyEnv = { SECRET_KEY: secretKey() } as const;

/**
 * A public base URL: absolute http(s), and nothing after the path. Paths are appended to it (the
 * issuer, `/device`, redirect URIs), so a query or fragment would end up in the middle of each.
 */
function publicBaseUrl(options: { description: string; default: string }): EnvVar<string> {
  const base = env.url({ ...options, protocols: ['http:', 'https:'] });
  return {
    ...base,
    parse(raw) {
      const value = base.parse(raw);
      // A bare `?` or `#` leaves URL.search and URL.hash empty, so look at the text as well.
      if (/[?#]/.test(value)) throw new EnvVarError('must not carry a query string or fragment');
      return value;
    },
  };
}

/** Public URLs of the deployment, as browsers and CLIs reach it; the Host header is never used. */
export const publicUrlEnv = {
  CONSOLE_API_URL: publicBaseUrl({
    description: 'Public base URL of the API (the OAuth issuer); trailing slash stripped',
    default: 'http://localhost:5001',
  }),
  CONSOLE_WEB_URL: publicBaseUrl({
    description: 'Public base URL of the web pages (/signin, /device)',
    default: 'http://localhost:5001',
  }),
} as const;
