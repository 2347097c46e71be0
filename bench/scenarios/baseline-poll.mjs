// (e) The yardstick: the pending poll on bare Fastify with one pipelined Redis round trip.
import { pending, pollRequest } from '../device-codes.mjs';
import { measureWithCpu } from '../cpu-per-answer.mjs';

export default {
  id: 'baseline',
  title: 'baseline: pending poll, bare Fastify',
  target: null,
  async run(ctx) {
    const pool = ctx.pools.baseline;
    const earlyBefore = pool.early;
    const { load, cpuUsPerAnswer } = await measureWithCpu(
      { url: ctx.urls.baseline, request: pollRequest, pool, expect: pending, ...ctx.load },
      { baseline: ctx.services.baseline },
    );
    return {
      load,
      details: { cpuUsPerAnswer, codesReusedWithinInterval: pool.early - earlyBefore },
    };
  },
};
