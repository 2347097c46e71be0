import { OpsListenerError } from './ops-listener.error';

/** What a service's start-up can blame, and which variable the operator should look at. */
export interface StartupVariables {
  /** The variable holding the port the service listens on (API_PORT, WORKER_HEALTH_PORT, ...). */
  readonly port: string;
  /** The variable holding the port of an HTTP app's health and metrics listener (API_OPS_PORT). */
  readonly opsPort?: string;
  /** The variable holding the address the failed listener binds to; HOST unless said otherwise. */
  readonly host?: string;
}

export interface StartupDiagnosis {
  readonly cause: string;
  readonly variable?: string;
  readonly code?: string;
}

interface SystemErrorLike {
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly port?: unknown;
  readonly message?: unknown;
  readonly driverError?: unknown;
}

// SQLSTATE classes 28 (authorisation) and 3D (unknown database) are wrong credentials or names.
const POSTGRES_CONFIG = /^(28...|3D000)$/;

/** Names the cause of a start-up failure and the variable that would fix it, when one would. */
export function diagnoseStartupFailure(
  error: unknown,
  variables: StartupVariables,
): StartupDiagnosis {
  if (error instanceof OpsListenerError && variables.opsPort) {
    return diagnoseStartupFailure(error.cause, { port: variables.opsPort, host: 'OPS_HOST' });
  }
  const failure = (typeof error === 'object' && error !== null ? error : {}) as SystemErrorLike;
  const inner = (failure.driverError ?? failure) as SystemErrorLike;
  const code = typeof inner.code === 'string' ? inner.code : undefined;
  const message = typeof inner.message === 'string' ? inner.message : String(error);
  const port = typeof inner.port === 'number' ? ` ${inner.port}` : '';
  if (inner.syscall === 'listen' && code === 'EADDRINUSE') {
    return { cause: `port${port} is already in use`, variable: variables.port, code };
  }
  if (inner.syscall === 'listen' && code === 'EACCES') {
    return { cause: `no permission to listen on port${port}`, variable: variables.port, code };
  }
  if (inner.syscall === 'listen' || code === 'EADDRNOTAVAIL') {
    return {
      cause: `cannot listen: ${message}`,
      variable: variables.host ?? 'HOST',
      ...(code ? { code } : {}),
    };
  }
  if (code && POSTGRES_CONFIG.test(code)) {
    return { cause: `Postgres refused the connection: ${message}`, variable: 'DATABASE_URL', code };
  }
  if (inner.syscall === 'connect' || inner.syscall === 'getaddrinfo') {
    // Redis never fails start-up (the service starts not-ready); the database does.
    return { cause: `cannot reach Postgres: ${message}`, variable: 'DATABASE_URL', code };
  }
  return { cause: message, ...(code ? { code } : {}) };
}

/**
 * Runs a service's start-up. A failure is one JSON log line naming the cause and the variable to
 * change, then exit 1, instead of an uncaught stack on stderr.
 */
export function startService(
  service: string,
  variables: StartupVariables,
  start: () => Promise<void>,
): void {
  start().catch((error: unknown) => {
    const diagnosis = diagnoseStartupFailure(error, variables);
    const advice = diagnosis.variable ? `; check ${diagnosis.variable}` : '';
    const line = JSON.stringify({
      level: 'fatal',
      time: new Date().toISOString(),
      service,
      msg: `start-up failed: ${diagnosis.cause}${advice}`,
      cause: diagnosis.cause,
      ...(diagnosis.variable ? { variable: diagnosis.variable } : {}),
      ...(diagnosis.code ? { error_code: diagnosis.code } : {}),
    });
    process.stdout.write(`${line}\n`, () => process.exit(1));
  });
}
