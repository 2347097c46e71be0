// (a) and (b): the pending poll at auth directly, and through the gateway's proxy. Both rotate
// through one pool of codes issued by auth, large enough that no code is polled twice within its
// 5 s interval, so every answer should be `authorization_pending` and none `slow_down`.
import { fillPool, pending, pollRequest, probeIssuance } from '../device-codes.mjs';
import { DeviceCodePool } from '../fixtures.mjs';
import { measureWithCpu } from '../cpu-per-answer.mjs';

const MIN_POOL = 2_000;
const MAX_POOL = 300_000;
// How much faster than the baseline a poll may run before a code comes round again within its
// interval. auth's direct poll has run at 1.22-1.46 × the baseline, so 1.3 × was too little: a
// code polled early answers `slow_down`, which counts as unexpected and lowers the rate measured.
const FASTEST_RATIO = 2;
const POOL_PERIOD_S = (DeviceCodePool.INTERVAL_MS / 1000) * FASTEST_RATIO;

export function poolSize(ctx) {
  const rate = ctx.results.baseline?.load?.requestsPerSecond ?? 20_000;
  return Math.min(MAX_POOL, Math.max(MIN_POOL, Math.ceil(rate * POOL_PERIOD_S)));
}

function pendingPoll({ id, title, target, service }) {
  return {
    id,
    title,
    target,
    async run(ctx) {
      const pool = ctx.pools.auth;
      if (pool.size === 0) {
        const probe = await probeIssuance(ctx.urls.auth);
        if (!probe.ok) return { unavailable: probe.reason };
      }
      const size = poolSize(ctx);
      try {
        await fillPool({
          authUrl: ctx.urls.auth,
          pool,
          size,
          connections: ctx.load.connections,
          log: ctx.log,
        });
      } catch (error) {
        return { unavailable: error.message };
      }
      const earlyBefore = pool.early;
      // Auth answers every poll, also through the gateway; the gateway only passes them on.
      const { load, cpuUsPerAnswer } = await measureWithCpu(
        { url: ctx.urls[service], request: pollRequest, pool, expect: pending, ...ctx.load },
        service === 'api'
          ? { api: ctx.services.api, auth: ctx.services.auth }
          : { auth: ctx.services.auth },
      );
      return {
        load,
        details: {
          cpuUsPerAnswer,
          poolSize: pool.size,
          // Codes sent again within 5 s of their previous poll; these may rightly be slow_down.
          codesReusedWithinInterval: pool.early - earlyBefore,
        },
      };
    },
  };
}

export const pollDirect = pendingPoll({
  id: 'poll-direct',
  title: 'pending poll, auth direct',
  // Reported, and the figure the peer comparison uses.
  target: null,
  service: 'auth',
});

export const pollGateway = pendingPoll({
  id: 'poll-gateway',
  title: 'pending poll, via api gateway',
  target: { minRatio: 0.7 },
  service: 'api',
});
