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
import { WorkerModule } from './app/worker.module';
import { workerEnvSchema } from './app/worker.env';

async function bootstrap(): Promise<void> {
  const config = loadEnvOrExit('worker', workerEnvSchema);
  // Libraries that print go through the redacting logger too.
  captureConsole(createServiceLogger('worker', config.LOG_LEVEL));
  const worker = await createOpsContext(WorkerModule.forRoot(config), {
    port: config.WORKER_HEALTH_PORT,
    host: config.HOST,
  });
  exitGracefullyOnSignals(worker, worker.logger, { readiness: worker.context.get(HealthService) });
  worker.logger.log(
    `worker consuming [${config.WORKER_QUEUES.join(', ')}]; health on :${worker.opsPort}`,
  );
}

startService('worker', { port: 'WORKER_HEALTH_PORT' }, bootstrap);
