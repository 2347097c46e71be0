#!/usr/bin/env node
// The bench's yardstick: the pending poll answered by bare Fastify with one pipelined Redis round
// trip and nothing else (no Nest, no validation pipe, no request logging, no Lua). It reads the
// device hash and records the poll time in one MULTI, which is the Redis work of the real poll
// script, then gives the real answer. The services' figures are reported as a ratio to it.
//
// Run as its own process (like auth and api) so that it never shares an event loop with the load
// generator:  BASELINE_PORT=0 REDIS_URL=redis://... REDIS_KEY_PREFIX=bench:x: node bench/baseline-server.mjs
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { pathToFileURL } from 'node:url';

const DEVICE_CODE = /^dc_[A-Za-z0-9_-]{43}$/;
// What the service sends on every device-protocol answer (docs/device-flow.md, "Headers").
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export function createBaselineServer({ redisUrl, keyPrefix }) {
  const redis = new Redis(redisUrl, { keyPrefix });
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });

  app.get('/health/ready', async () => {
    await redis.ping();
    return { ok: true };
  });

  app.post('/openapi/v1/oauth/device/token', async (request, reply) => {
    const body = request.body;
    const clientId = body?.client_id;
    const deviceCode = body?.device_code;
    reply.headers(NO_STORE).code(400);
    if (typeof clientId !== 'string' || typeof deviceCode !== 'string') {
      return { error: 'invalid_request' };
    }
    if (!DEVICE_CODE.test(deviceCode)) return { error: 'invalid_grant' };
    const key = `device_code:${deviceCode}`;
    const [[readError, state], [writeError]] = await redis
      .multi()
      .hgetall(key)
      .hset(key, 'last_poll_ms', Date.now())
      .exec();
    if (readError || writeError) throw readError ?? writeError;
    if (!state.status) return { error: 'expired_token' };
    if (state.client_id !== clientId) return { error: 'invalid_grant' };
    return { error: 'authorization_pending' };
  });

  app.addHook('onClose', async () => {
    await redis.quit();
  });
  return app;
}

async function main() {
  const app = createBaselineServer({
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    keyPrefix: process.env.REDIS_KEY_PREFIX ?? '',
  });
  await app.listen({ host: '127.0.0.1', port: Number(process.env.BASELINE_PORT ?? 0) });
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => {
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
