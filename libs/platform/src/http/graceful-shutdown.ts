/** Anything that can drain and close: a Nest app or application context. */
export interface Closable {
  close(): Promise<void>;
}

export interface ShutdownLogger {
  log(message: string): void;
  error(message: unknown, ...rest: unknown[]): void;
}

// Past this the process exits anyway: an orchestrator would SIGKILL it soon after.
const DEFAULT_DRAIN_TIMEOUT_MS = 25_000;

/**
 * On SIGTERM or SIGINT: stop taking work, let in-flight requests and jobs finish (the app's
 * shutdown hooks do that), close pools, and exit 0. Nest's own shutdown hooks re-raise the
 * signal after closing, which would end the process with a non-zero status; this exits cleanly.
 */
export function exitGracefullyOnSignals(
  app: Closable,
  logger: ShutdownLogger,
  drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, draining`);
    const deadline = setTimeout(() => {
      logger.error(`drain did not finish within ${drainTimeoutMs} ms, exiting`);
      process.exit(1);
    }, drainTimeoutMs);
    deadline.unref();
    app.close().then(
      () => {
        logger.log('drained, exiting');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
