import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { HealthService } from '../health/health.service';
import { OpsServer } from '../health/ops-server';
import { BootLogger } from '../logging/boot-logger';
import { MetricsService } from '../metrics/metrics.service';
import type { Closable } from './graceful-shutdown';
import { settleHeap } from './settle-heap';

export interface OpsContext extends Closable {
  readonly context: INestApplicationContext;
  readonly logger: Logger;
  readonly opsPort: number;
}

/**
 * Boots a process without an HTTP API (worker, beat) as a Nest application context plus a tiny
 * listener for health and metrics. Closing drains the context first, then stops the listener,
 * so probes keep answering (not-ready) while work finishes.
 */
export async function createOpsContext(
  rootModule: Type<unknown> | DynamicModule,
  listen: { port: number; host: string },
): Promise<OpsContext> {
  const context = await NestFactory.createApplicationContext(rootModule, {
    bufferLogs: true,
    logger: new BootLogger(),
    // A failed start-up reaches the caller, which reports it as one log line and exits 1.
    abortOnError: false,
  });
  const logger = context.get(Logger);
  context.useLogger(logger);
  // Start-up's garbage goes before health says ready (see settleHeap).
  await settleHeap();
  const ops = new OpsServer(context.get(HealthService), context.get(MetricsService));
  const opsPort = await ops.listen(listen.port, listen.host);
  return {
    context,
    logger,
    opsPort,
    close: async () => {
      try {
        await context.close();
      } finally {
        await ops.close();
      }
    },
  };
}
