import 'reflect-metadata';
import { exitGracefullyOnSignals, loadEnvOrExit } from '@dify/platform';
import { Logger } from 'nestjs-pino';
import { createApiApp } from './app/api-app.factory';
import { apiEnvSchema } from './app/api.env';

async function bootstrap(): Promise<void> {
  const config = loadEnvOrExit('api', apiEnvSchema);
  const app = await createApiApp(config);
  const logger = app.get(Logger);
  exitGracefullyOnSignals(app, logger);
  await app.listen(config.API_PORT, config.HOST);
  logger.log(`api listening on ${await app.getUrl()}`);
}

void bootstrap();
