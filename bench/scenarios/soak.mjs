// Soak: mixed traffic through the gateway for --soak-minutes (10 by default), with a worker and
// beat running, and each service's RSS once the mix has warmed up and again at the end. Growth
// above 10 % is a miss. Three wrk processes run at once on the gateway: pending polls (proxied
// to auth, rotating through a pool sized as for poll-gateway), cached bearer GET
// /openapi/v1/account (api, Redis cache), and code issuance (proxied to auth). Only runs when
// named: `--only soak`.
//
// RSS is sampled every second, and growth compares the highest RSS of the soak's first window
// (its first minute, or quarter when shorter) with the highest of its last: a Node service's
// RSS is a saw-tooth over each old-generation collection cycle (api swung between 198 and 326 MB
// within one minute of a 5-minute soak while its live heap stayed at 52 MB), so two single
// samples measure where in that cycle they fell, not growth. A leak lifts every peak, so it
// still shows; the samples' overall range is in the details.
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
const SAMPLE_MS = 1_000;
const MAX_WINDOW_S = 60;
export const MAX_GROWTH = 0.1;

/** Every service's RSS once a second until stopped, with the time of each sample. */
function sampleRss(processes) {
  const samples = [];
  const startedAt = Date.now();
  const take = () =>
    samples.push({
      s: (Date.now() - startedAt) / 1000,
      rss: Object.fromEntries(Object.entries(processes).map(([n, p]) => [n, rssMb(p.pid)])),
    });
  take();
  const timer = setInterval(take, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Each service's highest RSS among the samples taken within [from, to] seconds. */
function peaks(samples, from, to) {
  const within = samples.filter(({ s }) => s >= from && s <= to);
  return Object.fromEntries(
    Object.keys(within[0].rss).map((name) => [
      name,
      Math.max(...within.map(({ rss }) => rss[name])),
    ]),
  );
}

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
    try {
      ctx.log(`soak: ${WARMUP_S} s warm-up, then ${ctx.settings.soakMinutes} min of mixed traffic`);
      await Promise.all(mix(WARMUP_S));
      const sampler = sampleRss(processes);
      const loads = Object.fromEntries(await Promise.all(mix(seconds)));
      const samples = sampler.stop();
      const last = samples[samples.length - 1].s;
      const windowS = Math.min(MAX_WINDOW_S, last / 4);
      const start = peaks(samples, 0, windowS);
      const end = peaks(samples, last - windowS, last);
      const range = Object.fromEntries(
        Object.keys(start).map((name) => {
          const all = samples.map(({ rss }) => rss[name]);
          return [name, { min: Math.min(...all), max: Math.max(...all) }];
        }),
      );
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
          rssMb: { windowS: round(windowS, 1), startPeak: start, endPeak: end, range },
          rssSamples: samples.length,
          growth,
          loads,
        },
        checks: Object.keys(start)
          .map((name) => ({
            label: `${name} RSS growth over the soak (peak ${start[name]} → ${end[name]} MB; range ${range[name].min}–${range[name].max})`,
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
