// Soak: mixed traffic through the gateway for --soak-minutes (10 by default), with a worker and
// beat running, and each service's RSS once the mix has warmed up and again at the end. Growth
// above 10 % is a miss. Three wrk processes run at once on the gateway: pending polls (proxied
// to auth, rotating through a pool sized as for poll-gateway), cached bearer GET
// /openapi/v1/account (api, Redis cache), and code issuance (proxied to auth). Only runs when
// named: `--only soak`.
import {
  codeRequest,
  CODE_PATH,
  fillPool,
  issued,
  pending,
  pollRequest,
} from '../device-codes.mjs';
import { createBearerFixture, DeviceCodePool } from '../fixtures.mjs';
import { measure, round } from '../load.mjs';
import { freePort, rssMb } from '../services.mjs';
import { poolSize } from './pending-poll.mjs';

const WARMUP_S = 30;
export const MAX_GROWTH = 0.1;

export default {
  id: 'soak',
  title: 'soak: mixed traffic via api gateway',
  target: { maxGrowth: MAX_GROWTH },
  onlyWhenNamed: true,
  async run(ctx) {
    const seconds = ctx.settings.soakMinutes * 60;
    const pool = new DeviceCodePool();
    await fillPool({
      authUrl: ctx.urls.auth,
      pool,
      size: poolSize(ctx),
      connections: ctx.load.connections,
      log: ctx.log,
    });
    const fixture = await createBearerFixture(ctx.database.url);
    const workerPort = await freePort();
    const beatPort = await freePort();
    const worker = await ctx.startService({
      name: 'soak-worker',
      script: 'dist/worker/main.js',
      port: workerPort,
      env: { ...ctx.serviceEnv, WORKER_HEALTH_PORT: String(workerPort) },
    });
    const beat = await ctx.startService({
      name: 'soak-beat',
      script: 'dist/beat/main.js',
      port: beatPort,
      env: { ...ctx.serviceEnv, BEAT_HEALTH_PORT: String(beatPort) },
    });
    const processes = { api: ctx.services.api, auth: ctx.services.auth, worker, beat };
    const share = Math.max(1, Math.floor(ctx.load.connections / 3));
    const mix = (duration) =>
      [
        { name: 'poll', request: pollRequest, pool, expect: pending },
        {
          name: 'account',
          request: {
            method: 'GET',
            path: '/openapi/v1/account',
            headers: { authorization: `Bearer ${fixture.token}` },
          },
          expect: { status: 200 },
        },
        { name: 'issuance', request: { ...codeRequest, path: CODE_PATH }, expect: issued },
      ].map(({ name, ...spec }) =>
        measure({
          ...ctx.load,
          ...spec,
          url: ctx.urls.api,
          connections: share,
          duration,
          warmup: 0,
        }).then((load) => [name, load]),
      );
    const rss = () =>
      Object.fromEntries(Object.entries(processes).map(([n, p]) => [n, rssMb(p.pid)]));
    try {
      ctx.log(`soak: ${WARMUP_S} s warm-up, then ${ctx.settings.soakMinutes} min of mixed traffic`);
      await Promise.all(mix(WARMUP_S));
      const start = rss();
      const loads = Object.fromEntries(await Promise.all(mix(seconds)));
      const end = rss();
      const growth = Object.fromEntries(
        Object.keys(start).map((name) => [name, round((end[name] - start[name]) / start[name], 3)]),
      );
      const unexpected = Object.values(loads).reduce(
        (sum, load) => sum + load.unexpectedAnswers + load.errors + load.timeouts,
        0,
      );
      return {
        details: {
          minutes: ctx.settings.soakMinutes,
          connectionsEach: share,
          rssMb: { start, end },
          growth,
          loads,
        },
        checks: Object.keys(start)
          .map((name) => ({
            label: `${name} RSS growth over the soak (${start[name]} → ${end[name]} MB)`,
            value: round(growth[name] * 100, 1),
            unit: '%',
            target: `≤ ${MAX_GROWTH * 100}`,
            ok: growth[name] <= MAX_GROWTH,
          }))
          .concat([
            {
              label: 'soak answers other than the expected ones',
              value: unexpected,
              unit: '',
              target: '0',
              ok: unexpected === 0,
            },
          ]),
      };
    } finally {
      await Promise.all([worker.stop(), beat.stop()]);
    }
  },
};
