import 'reflect-metadata';
import {
  captureConsole,
  createOpsContext,
  createServiceLogger,
  exitGracefullyOnSignals,
  HealthService,
  loadEnvOrExit,
  startService,
} from '@dify/platform';
import { BeatModule } from './app/beat.module';
import { beatEnvSchema } from './app/beat.env';

async function bootstrap(): Promise<void> {
  const config = loadEnvOrExit('beat', beatEnvSchema);
  // Libraries that print go through the redacting logger too.
  captureConsole(createServiceLogger('beat', config.LOG_LEVEL));
  const beat = await createOpsContext(BeatModule.forRoot(config), {
    port: config.BEAT_HEALTH_PORT,
    host: config.HOST,
  });
  exitGracefullyOnSignals(beat, beat.logger, { readiness: beat.context.get(HealthService) });
  beat.logger.log(`beat running; health on :${beat.opsPort}`);
}

startService('beat', { port: 'BEAT_HEALTH_PORT' }, bootstrap);
