/** Anything that can drain and close: a Nest app or application context. */
export interface Closable {
  close(): Promise<void>;
}

export interface ShutdownLogger {
  log(message: string): void;
  error(message: unknown, ...rest: unknown[]): void;
}

/** Readiness of the process; reports not-ready from the first moment of a shutdown. */
export interface DrainingSignal {
  startDraining(): void;
}

/** The connection side of an HTTP app's drain (see HttpDrain). */
export interface ConnectionDrain {
  beginDraining(): void;
  stop(): Promise<void>;
}

export interface ShutdownOptions {
  /** Flipped to not-ready the moment the signal arrives. */
  readonly readiness?: DrainingSignal;
  /** HTTP apps: how connections are drained once the grace period is over. */
  readonly connections?: ConnectionDrain;
  /**
   * How long an HTTP app keeps serving after reporting not-ready, so load balancers notice and
   * move traffic away before anything is refused.
   */
  readonly graceSeconds?: number;
}

// Past the grace period plus this, the process exits anyway: an orchestrator would SIGKILL it
// soon after. Draining connections is bounded at 11 s (HttpDrain), closing pools and jobs in
// the remainder.
const DRAIN_BUDGET_MS = 20_000;

/**
 * On SIGTERM or SIGINT: report not-ready at once; for an HTTP app keep serving through the grace
 * period, then stop accepting connections, answer every request already read and close idle
 * connections; then let in-flight jobs finish (the app's shutdown hooks), close pools and exit
 * 0. Nest's own shutdown hooks re-raise the signal after closing, which would end the process
 * with a non-zero status; this exits cleanly.
 */
export function exitGracefullyOnSignals(
  app: Closable,
  logger: ShutdownLogger,
  options: ShutdownOptions = {},
): void {
  const graceMs = Math.max(0, options.graceSeconds ?? 0) * 1_000;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    options.readiness?.startDraining();
    options.connections?.beginDraining();
    logger.log(`${signal} received: not ready, draining (grace ${graceMs / 1_000} s)`);
    const deadline = setTimeout(() => {
      logger.error(`drain did not finish within ${(graceMs + DRAIN_BUDGET_MS) / 1_000} s, exiting`);
      process.exit(1);
    }, graceMs + DRAIN_BUDGET_MS);
    deadline.unref();
    drain(app, options, graceMs).then(
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

async function drain(app: Closable, options: ShutdownOptions, graceMs: number): Promise<void> {
  if (options.connections) {
    if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
    await options.connections.stop();
  }
  await app.close();
}
