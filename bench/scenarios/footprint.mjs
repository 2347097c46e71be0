// Each service's cold start (spawn to the first 200 from /health/ready, polled every 20 ms) and
// its resident memory once idle, each started fresh against the bench database and a Redis prefix
// of its own. Nothing is under load while they start; the services started before one stay up,
// idle, so that each can be read again once it has been idle long enough for V8 to settle (see
// below).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, rssMb } from '../services.mjs';

const SERVICES = [
  { name: 'api', script: 'dist/api/main.js', portVar: 'API_PORT', opsPortVar: 'API_OPS_PORT' },
  { name: 'auth', script: 'dist/auth/main.js', portVar: 'AUTH_PORT', opsPortVar: 'AUTH_OPS_PORT' },
  { name: 'worker', script: 'dist/worker/main.js', portVar: 'WORKER_HEALTH_PORT' },
  { name: 'beat', script: 'dist/beat/main.js', portVar: 'BEAT_HEALTH_PORT' },
];
const IDLE_MS = 5_000;
// Each service gives back start-up's garbage and young generation before it listens (platform's
// settleHeap); without that, V8's memory reducer did so only 16-40 s after ready on this machine
// (bench/README.md, "Memory"). The second reading, after that time, shows whether anything grew
// back while the service sat idle.
const SETTLED_MS = 45_000;
// The earlier scenarios leave jobs on the bench prefix's queues that no worker consumed (flows
// alone enqueue tens of thousands of audit and token-touch jobs); a worker started there would
// drain that backlog and be measured busy, not idle. Its own prefix starts every queue empty.
const footprintPrefix = (ctx) => `${ctx.keyPrefix}footprint:`;
export const MAX_IDLE_RSS_MB = 120;
export const MAX_COLD_START_MS = 2_000;

async function startIdle(ctx, spec) {
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
    env: {
      ...ctx.serviceEnv,
      ...ports,
      REDIS_KEY_PREFIX: footprintPrefix(ctx),
      AUTH_INTERNAL_URL: ctx.urls.auth,
    },
  });
  return { service, readyAt: performance.now() };
}

const rssCheck = (name, when, value) => ({
  label: `${name} idle RSS ${when}`,
  value,
  unit: 'MB',
  target: `≤ ${MAX_IDLE_RSS_MB}`,
  ok: value <= MAX_IDLE_RSS_MB,
});

export default {
  id: 'footprint',
  title: 'cold start and idle RSS',
  target: { maxRssMb: MAX_IDLE_RSS_MB, maxStartMs: MAX_COLD_START_MS },
  async run(ctx) {
    const services = {};
    const running = [];
    try {
      for (const spec of SERVICES) {
        const started = await startIdle(ctx, spec);
        running.push({ name: spec.name, ...started });
        await sleep(IDLE_MS);
        services[spec.name] = {
          coldStartMs: started.service.readyMs,
          idleRssMb: rssMb(started.service.pid),
        };
      }
      for (const { name, service, readyAt } of running) {
        await sleep(Math.max(0, readyAt + SETTLED_MS - performance.now()));
        services[name].settledRssMb = rssMb(service.pid);
      }
    } finally {
      for (const { service } of running) await service.stop();
    }
    const checks = Object.entries(services).flatMap(([name, figures]) => [
      {
        label: `${name} cold start to ready`,
        value: figures.coldStartMs,
        unit: 'ms',
        target: `≤ ${MAX_COLD_START_MS}`,
        ok: figures.coldStartMs <= MAX_COLD_START_MS,
      },
      rssCheck(name, `after ${IDLE_MS / 1000} s`, figures.idleRssMb),
      rssCheck(name, `after ${SETTLED_MS / 1000} s`, figures.settledRssMb),
    ]);
    return { details: { idleMs: IDLE_MS, settledMs: SETTLED_MS, services }, checks };
  },
};
