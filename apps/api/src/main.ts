import 'reflect-metadata';
import { httpDrainOf, listenOps } from '@dify/http-edge';
import {
  captureConsole,
  createServiceLogger,
  exitGracefullyOnSignals,
  HealthService,
  loadEnvOrExit,
  settleHeap,
  startService,
} from '@dify/platform';
import { Logger } from 'nestjs-pino';
import { createApiApp } from './app/api-app.factory';
import { apiEnvSchema } from './app/api.env';

async function bootstrap(): Promise<void> {
  const config = loadEnvOrExit('api', apiEnvSchema);
  // Libraries that print go through the redacting logger too.
  captureConsole(createServiceLogger('api', config.LOG_LEVEL));
  const app = await createApiApp(config);
  const logger = app.get(Logger);
  exitGracefullyOnSignals(app, logger, {
    readiness: app.get(HealthService),
    connections: httpDrainOf(app),
    graceSeconds: config.SHUTDOWN_GRACE_SECONDS,
  });
  // Start-up's garbage is given back before the port opens (see settleHeap).
  await settleHeap();
  await app.listen(config.API_PORT, config.HOST);
  // After the public port, so a probe that says ready means requests are being taken.
  const opsPort = await listenOps(app, { port: config.API_OPS_PORT, host: config.OPS_HOST });
  logger.log(`api listening on ${await app.getUrl()}; health and metrics on :${opsPort}`);
}

startService('api', { port: 'API_PORT', opsPort: 'API_OPS_PORT' }, bootstrap);
