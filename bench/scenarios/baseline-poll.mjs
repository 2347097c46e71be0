// (e) The yardstick: the pending poll on bare Fastify with one pipelined Redis round trip.
import { pending, pollRequest } from '../device-codes.mjs';
import { measure } from '../load.mjs';

export default {
  id: 'baseline',
  title: 'baseline: pending poll, bare Fastify',
  target: null,
  async run(ctx) {
    const pool = ctx.pools.baseline;
    const earlyBefore = pool.early;
    const load = await measure({
      url: ctx.urls.baseline,
      request: pollRequest,
      pool,
      expect: pending,
      ...ctx.load,
    });
    return { load, details: { codesReusedWithinInterval: pool.early - earlyBefore } };
  },
};
