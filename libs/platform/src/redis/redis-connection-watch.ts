import { Logger } from '@nestjs/common';

/** Emits the errors of a connection: an ioredis client, or a BullMQ queue or worker. */
export interface ErrorEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Emits `ready` each time a connection is (re-)established: an ioredis client. */
export interface ReadyEvents {
  on(event: 'ready', listener: () => void): unknown;
}

const logger = new Logger('Redis');

/** Only the error's identity: ioredis attaches the failed command and its arguments to errors. */
function describe(error: Error): { code?: string; name: string; message: string } {
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message.slice(0, 200),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/**
 * Gives a Redis connection the error listener it must have (without one, ioredis prints every
 * failed reconnect to stderr as `[ioredis] Unhandled error event`, and BullMQ throws) and logs
 * only the changes of state: one line when the connection is lost, one when it is back. A BullMQ
 * queue or worker forwards its clients' errors but not their `ready`, so the client that
 * announces readiness may be given apart.
 */
export function watchRedisConnection(
  errors: ErrorEvents,
  connection: string,
  readiness: ReadyEvents = errors as unknown as ReadyEvents,
): void {
  let up = true;
  errors.on('error', (error: Error) => {
    if (!up) return;
    up = false;
    logger.warn({ connection, error: describe(error) }, 'redis connection lost');
  });
  readiness.on('ready', () => {
    if (up) return;
    up = true;
    logger.log({ connection }, 'redis connection restored');
  });
}
