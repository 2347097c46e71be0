// (e) The yardstick: the pending poll on bare Fastify with one pipelined Redis round trip.
import { isPending, pollRequest } from '../device-codes.mjs';
import { measure } from '../load.mjs';

export default {
  id: 'baseline',
  title: 'baseline: pending poll, bare Fastify',
  target: null,
  async run(ctx) {
    const pool = ctx.pools.baseline;
    const load = await measure({
      url: ctx.urls.baseline,
      request: pollRequest(pool),
      classify: isPending,
      ...ctx.load,
    });
    return { load };
  },
};
