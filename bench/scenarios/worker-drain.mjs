// The worker's audit throughput: audit events persisted per second by the real worker
// (dist/worker, audit queue only) against a no-op BullMQ Worker on the same queue, the same Redis
// and the same concurrency (the worker's default for the audit queue), in the same run. Each side
// gets its own N jobs in the producers' shape (queue-contracts' jobRequest: name, payload,
// options, job id = event id), enqueued while the queue is paused, so the clock covers draining
// only: resume, then wait until the queue is empty and, for the real worker, until all N rows are
// in audit_logs.
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { round } from '../load.mjs';
import { backendCpuMs, cpuMs, freePort } from '../services.mjs';

const DRAIN_TIMEOUT_MS = 300_000;

function auditPayload() {
  return {
    eventId: randomUUID(),
    event: 'oauth.device_flow_approved',
    occurredAt: new Date().toISOString(),
    service: 'auth',
    requestId: `bench-${randomUUID()}`,
    subjectType: 'account',
    subjectEmail: 'bench@example.com',
    subjectIssuer: 'dify:account',
    ip: '127.0.0.1',
    payload: { client_id: 'difyctl', device_label: 'bench' },
  };
}

async function enqueue(queue, contracts, count) {
  const ids = [];
  for (let start = 0; start < count; start += 1_000) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + 1_000); i += 1) {
      const request = contracts.jobRequest(contracts.JOBS.auditRecord, auditPayload());
      ids.push(request.data.eventId);
      batch.push(request);
    }
    await queue.addBulk(batch);
  }
  return ids;
}

async function drained(queue, isDone) {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const counts = await queue.getJobCounts('wait', 'active', 'paused', 'delayed', 'prioritized');
    const left = Object.values(counts).reduce((sum, n) => sum + n, 0);
    if (left === 0 && (await isDone())) return;
    if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
    await sleep(20);
  }
}

/**
 * CPU time per event of the processes that drain the queue, in µs: this process (the no-op
 * consumer runs here; on the real side it only polls), the worker and the Postgres backends of
 * the bench database. Unlike events/s it barely moves with what else the machine runs, so it is
 * what to compare builds by. Redis is shared with other work and left out.
 */
function cpuClock(ctx, processes) {
  const read = async () => ({
    bench: (({ user, system }) => (user + system) / 1000)(process.cpuUsage()),
    ...Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuMs(pid)])),
    backends: await backendCpuMs(ctx),
  });
  let before;
  return {
    async start() {
      before = await read();
    },
    async perEvent(events) {
      const after = await read();
      let postgres = 0;
      for (const [pid, ms] of after.backends) postgres += ms - (before.backends.get(pid) ?? 0);
      const perEvent = (ms) => round((ms * 1000) / events, 1);
      const spent = { bench: perEvent(after.bench - before.bench) };
      for (const name of Object.keys(processes)) spent[name] = perEvent(after[name] - before[name]);
      spent.postgres = perEvent(postgres);
      return spent;
    },
  };
}

async function timedDrain(queue, contracts, count, isDone, cpu) {
  await queue.pause();
  const ids = await enqueue(queue, contracts, count);
  await cpu.start();
  const started = performance.now();
  await queue.resume();
  await drained(queue, () => isDone(ids));
  const seconds = (performance.now() - started) / 1000;
  return {
    events: count,
    seconds: round(seconds, 3),
    perSecond: round(count / seconds, 1),
    cpuUsPerEvent: await cpu.perEvent(count),
  };
}

export default {
  id: 'worker',
  title: 'audit events persisted/s, worker',
  target: { minRatioTo: 'no-op BullMQ worker', minRatio: 0.5 },
  async run(ctx) {
    const require = createRequire(import.meta.url);
    const contracts = require(join(ctx.root, 'dist/worker/libs/queue-contracts/src/index.js'));
    const queueName = contracts.QUEUES.audit;
    // Each BullMQ client gets a connection of its own from the bench's Redis URL (credentials and
    // database included); blocking worker reads need maxRetriesPerRequest: null.
    // BullMQ leaves a connection it was handed open on close, so the bench closes them itself.
    const opened = [];
    const connection = () => {
      const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
      opened.push(redis);
      return redis;
    };
    const prefix = `${ctx.keyPrefix}bull`;
    const queue = new Queue(queueName, { connection: connection(), prefix });
    const db = new pg.Client({ connectionString: ctx.database.url });
    await db.connect();
    const count = ctx.settings.auditJobs;
    // Both sides run at the worker's own default for the audit queue: what a deployment gets.
    const { DEFAULT_CONCURRENCY } = require(
      join(ctx.root, 'dist/worker/apps/worker/src/app/default-concurrency.js'),
    );
    const concurrency = DEFAULT_CONCURRENCY[queueName];
    try {
      const noop = new Worker(queueName, async () => {}, {
        connection: connection(),
        prefix,
        concurrency,
      });
      await noop.waitUntilReady();
      let baseline;
      try {
        baseline = await timedDrain(queue, contracts, count, async () => true, cpuClock(ctx, {}));
      } finally {
        await noop.close();
      }

      const port = await freePort();
      const worker = await ctx.startService({
        name: 'worker',
        script: 'dist/worker/main.js',
        port,
        env: {
          ...ctx.serviceEnv,
          WORKER_HEALTH_PORT: String(port),
          WORKER_QUEUES: queueName,
          WORKER_CONCURRENCY: `${queueName}=${concurrency}`,
        },
      });
      let real;
      try {
        real = await timedDrain(
          queue,
          contracts,
          count,
          async (ids) => {
            const { rows } = await db.query(
              'SELECT count(*)::int AS n FROM audit_logs WHERE id = ANY($1::uuid[])',
              [ids],
            );
            return rows[0].n === ids.length;
          },
          cpuClock(ctx, { worker: worker.pid }),
        );
      } finally {
        await worker.stop();
      }
      const failed = await queue.getJobCounts('failed');
      return {
        load: {
          generator: 'BullMQ producer in the bench process',
          requestsPerSecond: real.perSecond,
          expectedAnswers: real.events,
          unexpectedAnswers: failed.failed ?? 0,
          unexpectedByKind: failed.failed ? { 'failed jobs': failed.failed } : {},
          errors: 0,
          timeouts: 0,
          latencyMs: {},
        },
        reference: { name: 'no-op BullMQ worker', perSecond: baseline.perSecond },
        details: { concurrency, real, noop: baseline },
      };
    } finally {
      await queue.close();
      for (const redis of opened) redis.disconnect();
      await db.end();
    }
  },
};
