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
import { createAuthApp } from './app/auth-app.factory';
import { authEnvSchema } from './app/auth.env';

async function bootstrap(): Promise<void> {
  const config = loadEnvOrExit('auth', authEnvSchema);
  // Libraries that print go through the redacting logger too.
  captureConsole(createServiceLogger('auth', config.LOG_LEVEL));
  const app = await createAuthApp(config);
  const logger = app.get(Logger);
  exitGracefullyOnSignals(app, logger, {
    readiness: app.get(HealthService),
    connections: httpDrainOf(app),
    graceSeconds: config.SHUTDOWN_GRACE_SECONDS,
  });
  // Start-up's garbage is given back before the port opens (see settleHeap).
  await settleHeap();
  await app.listen(config.AUTH_PORT, config.HOST);
  // After the public port, so a probe that says ready means requests are being taken.
  const opsPort = await listenOps(app, { port: config.AUTH_OPS_PORT, host: config.OPS_HOST });
  logger.log(`auth listening on ${await app.getUrl()}; health and metrics on :${opsPort}`);
}

startService('auth', { port: 'AUTH_PORT', opsPort: 'AUTH_OPS_PORT' }, bootstrap);
