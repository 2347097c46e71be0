import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthService, MetricsService, OpsListenerError, OpsServer } from '@dify/platform';

const listeners = new WeakMap<INestApplication, OpsServer>();

/**
 * Gives an HTTP app its health and metrics listener (docs/operations.md, "Health and metrics"),
 * closed with the app after its connections drained, so probes keep answering (not-ready)
 * through a shutdown. Fastify takes no hooks once it listens, so createHttpApp calls this while
 * it builds the app; listenOps binds it later.
 */
export function attachOpsListener(app: NestFastifyApplication): void {
  const ops = new OpsServer(app.get(HealthService), app.get(MetricsService));
  listeners.set(app, ops);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onClose', () => ops.close());
}

/**
 * Serves an app built by createHttpApp's health and metrics on a port of their own, so the public
 * port does not tell the world the runtime, memory and dependency state. Answers the port bound.
 */
export async function listenOps(
  app: INestApplication,
  listen: { port: number; host: string },
): Promise<number> {
  const ops = listeners.get(app);
  if (!ops) throw new Error('listenOps needs an app built by createHttpApp');
  return ops.listen(listen.port, listen.host).catch((error: unknown) => {
    throw new OpsListenerError(error);
  });
}
