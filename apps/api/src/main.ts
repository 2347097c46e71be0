import 'reflect-metadata';
import { httpDrainOf } from '@dify/http-edge';
import {
  captureConsole,
  createServiceLogger,
  exitGracefullyOnSignals,
  HealthService,
  loadEnvOrExit,
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
  await app.listen(config.API_PORT, config.HOST);
  logger.log(`api listening on ${await app.getUrl()}`);
}

startService('api', { port: 'API_PORT' }, bootstrap);
