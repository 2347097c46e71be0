// Each service's cold start (spawn to the first 200 from /health/ready, polled every 20 ms) and
// its resident memory once idle, each started fresh on its own against the bench database and
// Redis prefix. Nothing else is under load while they start.
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, rssMb } from '../services.mjs';

const SERVICES = [
  { name: 'api', script: 'dist/api/main.js', portVar: 'API_PORT', opsPortVar: 'API_OPS_PORT' },
  { name: 'auth', script: 'dist/auth/main.js', portVar: 'AUTH_PORT', opsPortVar: 'AUTH_OPS_PORT' },
  { name: 'worker', script: 'dist/worker/main.js', portVar: 'WORKER_HEALTH_PORT' },
  { name: 'beat', script: 'dist/beat/main.js', portVar: 'BEAT_HEALTH_PORT' },
];
const IDLE_MS = 5_000;
export const MAX_IDLE_RSS_MB = 120;
export const MAX_COLD_START_MS = 2_000;

export default {
  id: 'footprint',
  title: 'cold start and idle RSS',
  target: { maxRssMb: MAX_IDLE_RSS_MB, maxStartMs: MAX_COLD_START_MS },
  async run(ctx) {
    const services = {};
    for (const spec of SERVICES) {
      const port = await freePort();
      // api and auth answer health on their ops listener; worker and beat on their only port.
      const healthPort = spec.opsPortVar ? await freePort() : port;
      const ports = { [spec.portVar]: String(port) };
      if (spec.opsPortVar) ports[spec.opsPortVar] = String(healthPort);
      const service = await ctx.startService({
        name: `${spec.name}-cold`,
        script: spec.script,
        port,
        healthPort,
        readyPollMs: 20,
        env: { ...ctx.serviceEnv, ...ports, AUTH_INTERNAL_URL: ctx.urls.auth },
      });
      await sleep(IDLE_MS);
      services[spec.name] = { coldStartMs: service.readyMs, idleRssMb: rssMb(service.pid) };
      await service.stop();
    }
    const checks = Object.entries(services).flatMap(([name, figures]) => [
      {
        label: `${name} cold start to ready`,
        value: figures.coldStartMs,
        unit: 'ms',
        target: `≤ ${MAX_COLD_START_MS}`,
        ok: figures.coldStartMs <= MAX_COLD_START_MS,
      },
      {
        label: `${name} idle RSS`,
        value: figures.idleRssMb,
        unit: 'MB',
        target: `≤ ${MAX_IDLE_RSS_MB}`,
        ok: figures.idleRssMb <= MAX_IDLE_RSS_MB,
      },
    ]);
    return { details: { idleMs: IDLE_MS, services }, checks };
  },
};
