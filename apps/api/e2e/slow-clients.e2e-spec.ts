import { connect, type Socket } from 'node:net';
import { isolatedKeyPrefix, ServiceProcess, waitFor } from '@dify/testing';

const SLOW_SOCKETS = 300;

/**
 * A client that starts proxied requests and then sends nothing more must not stall the proxy
 * for everyone: its bodies are read before any connection to auth is taken, one address holds at
 * most a few requests in flight, and the listener ends requests that take too long to arrive.
 */
describe('slow clients against the gateway proxy (api and auth processes)', () => {
  let api: ServiceProcess;
  let auth: ServiceProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const redis = { REDIS_KEY_PREFIX: isolatedKeyPrefix('slow-clients') };
    auth = await ServiceProcess.start('auth', redis);
    api = await ServiceProcess.start('api', { ...redis, AUTH_INTERNAL_URL: auth.baseUrl });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all([api?.stop(), auth?.stop()]);
  });

  /** The start of a proxied POST announcing 1000 bytes of body, of which it sends ten. */
  function stall(): Promise<{ answered: () => string }> {
    return new Promise((resolve, reject) => {
      let received = '';
      // From another loopback address than the test's own requests: the slow client is not us.
      const socket = connect({ host: '127.0.0.1', port: api.port, localAddress: '127.0.0.2' });
      sockets.push(socket);
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      socket.once('connect', () => {
        const head =
          'POST /openapi/v1/oauth/device/code HTTP/1.1\r\n' +
          `Host: 127.0.0.1:${api.port}\r\n` +
          'Content-Type: application/json\r\n' +
          'Content-Length: 1000\r\n\r\n' +
          '{"client_i';
        socket.write(head, (error) =>
          error ? reject(error) : resolve({ answered: () => received }),
        );
      });
    });
  }

  it('answers a proxied lookup within 1 s while 300 slow sockets are open', async () => {
    const slow = await Promise.all(Array.from({ length: SLOW_SOCKETS }, () => stall()));
    // The slow client's requests beyond its share are refused at once rather than queued.
    await waitFor(
      () =>
        slow.filter((s) => s.answered().startsWith('HTTP/1.1 429')).length >= SLOW_SOCKETS - 100,
      { timeoutMs: 10_000, description: 'the slow client to be held to its share' },
    );

    const started = performance.now();
    const lookup = await fetch(
      `${api.baseUrl}/openapi/v1/oauth/device/lookup?user_code=ABCD-EFGH`,
      { signal: AbortSignal.timeout(20_000) },
    );
    const elapsedMs = performance.now() - started;
    expect(lookup.status).toBe(200);
    expect(elapsedMs).toBeLessThan(1_000);
    expect(sockets.filter((socket) => !socket.destroyed).length).toBeGreaterThan(0);
  });
});
