import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request as httpRequest,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { MAX_BODY_BYTES, TrustedProxies } from '@dify/http-edge';
import { AuthProxy } from './auth-proxy';

/** What the upstream (standing in for auth, a real HTTP server on loopback) received. */
interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: string;
}

type Upstream = (request: IncomingMessage, response: ServerResponse, body: string) => void;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

/** One request to the gateway over a fresh connection, with headers exactly as given. */
function send(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string | string[]> },
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${url}${options.path}`, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false,
    });
    outgoing.once('error', reject);
    outgoing.once('response', (incoming) => {
      const chunks: Buffer[] = [];
      incoming.once('error', reject);
      incoming.once('aborted', () => reject(new Error('answer cut short')));
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.once('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          rawHeaders: incoming.rawHeaders,
          body: Buffer.concat(chunks),
        }),
      );
    });
    outgoing.end(body);
  });
}

describe('AuthProxy (a real upstream on loopback)', () => {
  let upstream: Server;
  let gateway: Server;
  let proxy: AuthProxy;
  let gatewayUrl: string;
  let received: Received[];
  let answer: Upstream;
  const warnings: string[] = [];

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.once('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          rawHeaders: request.rawHeaders,
          body,
        });
        answer(request, response, body);
      });
    });
    const upstreamUrl = await listen(upstream);
    proxy = new AuthProxy(`${upstreamUrl}/internal`, new TrustedProxies([]), {
      warn: (_fields, message) => warnings.push(message),
    });
    gateway = createServer((request, response) => {
      if (proxy.handle(request, response)) return;
      response.writeHead(404).end('not proxied');
    });
    gatewayUrl = await listen(gateway);
  });

  beforeEach(() => {
    received = [];
    warnings.length = 0;
    answer = (_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });

  afterAll(async () => {
    await close(gateway);
    await proxy.close();
    await close(upstream);
  });

  it('forwards method, path, query and body under the base path', async () => {
    const body = JSON.stringify({ client_id: 'difyctl', device_code: 'x'.repeat(300) });
    const got = await send(
      gatewayUrl,
      {
        method: 'POST',
        path: '/openapi/v1/oauth/device/token?probe=1',
        headers: { 'content-type': 'application/json' },
      },
      body,
    );
    expect(got.status).toBe(200);
    expect(got.body.toString()).toBe('{"ok":true}');
    expect(received).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/internal/openapi/v1/oauth/device/token?probe=1',
        body,
      }),
    ]);
    expect(received[0].headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('leaves requests that are not auth’s to the gateway', async () => {
    const got = await send(gatewayUrl, { method: 'DELETE', path: '/v1/oauth/authorizations/self' });
    expect(got.status).toBe(404);
    expect(received).toEqual([]);
  });

  it('replaces the forwarding headers and drops hop-by-hop ones on the way in', async () => {
    await send(
      gatewayUrl,
      {
        method: 'POST',
        path: '/openapi/v1/oauth/device/code',
        headers: {
          host: 'console.example',
          'x-forwarded-for': '203.0.113.9',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'evil.example',
          'x-request-id': 'trace-1',
          connection: 'keep-alive, x-hop-header',
          'x-hop-header': 'gone',
          'keep-alive': 'timeout=5',
          'proxy-authorization': 'Basic c2VjcmV0',
          te: 'trailers',
          'x-kept': 'kept',
          cookie: 'a=1',
        },
      },
      '{}',
    );
    const headers = received[0].headers;
    expect(headers).toMatchObject({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'console.example',
      'x-request-id': 'trace-1',
      'x-kept': 'kept',
      cookie: 'a=1',
      'content-length': '2',
    });
    expect(headers.host).not.toBe('console.example');
    for (const name of ['x-hop-header', 'keep-alive', 'proxy-authorization', 'te']) {
      expect({ name, value: headers[name] }).toEqual({ name, value: undefined });
    }
    // One of each forwarding header, whatever the client sent.
    const names = received[0].rawHeaders.filter((_, index) => index % 2 === 0);
    expect(names.filter((name) => name.toLowerCase() === 'x-forwarded-for')).toHaveLength(1);
  });

  it('gives a request without an acceptable X-Request-Id a fresh one', async () => {
    await send(gatewayUrl, {
      path: '/.well-known/oauth-authorization-server',
      headers: { 'x-request-id': 'has spaces, so not acceptable' },
    });
    expect(received[0].headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(received[0].method).toBe('GET');
    expect(received[0].headers['content-length']).toBeUndefined();
  });

  it('passes status and answer headers through, repeated ones and raw bytes included', async () => {
    answer = (_request, response) => {
      response.writeHead(429, [
        'content-type',
        'application/json',
        'set-cookie',
        'a=1; HttpOnly',
        'set-cookie',
        'b=2; HttpOnly',
        'retry-after',
        '7',
        'x-latin1',
        Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('latin1'),
        'connection',
        'keep-alive, x-upstream-hop',
        'x-upstream-hop',
        'gone',
        'keep-alive',
        'timeout=5',
      ]);
      response.end('{"error":"slow_down"}');
    };
    const got = await send(gatewayUrl, { method: 'POST', path: '/v1/oauth/device/token' }, '{}');
    expect(got.status).toBe(429);
    expect(got.body.toString()).toBe('{"error":"slow_down"}');
    expect(got.headers['set-cookie']).toEqual(['a=1; HttpOnly', 'b=2; HttpOnly']);
    expect(got.headers['retry-after']).toBe('7');
    expect(Buffer.from(got.headers['x-latin1'] as string, 'latin1')).toEqual(
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
    );
    expect(got.headers['x-upstream-hop']).toBeUndefined();
    // The gateway's own connection to the client, not auth's keep-alive terms.
    expect(got.headers['keep-alive']).not.toBe('timeout=5');
  });

  it('refuses a body over the limit with 413, declared or sent', async () => {
    const big = 'x'.repeat(MAX_BODY_BYTES + 1);
    const declared = await send(
      gatewayUrl,
      { method: 'POST', path: '/openapi/v1/oauth/device/code' },
      big,
    );
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body.toString())).toEqual({ error: 'invalid_request' });

    const chunked = await send(
      gatewayUrl,
      {
        method: 'POST',
        path: '/.well-known/oauth-authorization-server',
        headers: { 'transfer-encoding': 'chunked' },
      },
      big,
    );
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body.toString())).toMatchObject({
      code: 'payload_too_large',
      status: 413,
    });
    expect(received).toEqual([]);
  });

  it('streams a large answer to a slow reader whole', async () => {
    const large = Buffer.alloc(8 * 1024 * 1024, 'a');
    answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(large);
    };
    const socket = connect((gateway.address() as AddressInfo).port, '127.0.0.1');
    socket.write('GET /.well-known/oauth-authorization-server HTTP/1.1\r\nhost: x\r\n\r\n');
    // Read nothing for a while, so the gateway's writes to this client back up.
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.resume();
    const whole = (): boolean => bytes >= large.length;
    for (let waited = 0; !whole() && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    socket.destroy();
    expect(whole()).toBe(true);
  });

  it('aborts the request to auth when the client leaves before the answer', async () => {
    let upstreamClosed: () => void = () => undefined;
    const closedUpstream = new Promise<void>((resolve) => (upstreamClosed = resolve));
    answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first part');
      response.once('close', () => upstreamClosed());
    };
    const socket = connect((gateway.address() as AddressInfo).port, '127.0.0.1');
    socket.write('GET /openapi/v1/oauth/device/lookup HTTP/1.1\r\nhost: x\r\n\r\n');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.destroy();
    await closedUpstream;
    expect(warnings).not.toContain('auth response cut short');
  });

  it('answers 503 when auth cannot be reached, and logs why', async () => {
    const down = new AuthProxy('http://127.0.0.1:9', new TrustedProxies([]), {
      warn: (_fields, message) => warnings.push(message),
    });
    const server = createServer((request, response) => {
      if (!down.handle(request, response)) response.writeHead(404).end();
    });
    const url = await listen(server);
    try {
      const got = await send(url, { method: 'POST', path: '/openapi/v1/oauth/device/code' }, '{}');
      expect(got.status).toBe(503);
      expect(got.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(JSON.parse(got.body.toString())).toEqual({ error: 'temporarily_unavailable' });
      expect(warnings).toContain('auth unreachable');
    } finally {
      await close(server);
      await down.close();
    }
  });

  it('cuts the client off when auth breaks off its answer, and logs it', async () => {
    answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      response.write('partial');
      setTimeout(() => response.socket?.destroy(), 20);
    };
    await expect(
      send(gatewayUrl, { method: 'POST', path: '/openapi/v1/oauth/device/code' }, '{}'),
    ).rejects.toThrow();
    expect(warnings).toContain('auth response cut short');
  });

  it('frees each client’s in-flight slot whichever way its request ended', async () => {
    // More requests than one client may have in flight at once, each ended a different way.
    for (let index = 0; index < 40; index += 1) {
      await send(gatewayUrl, { method: 'POST', path: '/openapi/v1/oauth/device/code' }, '{}');
      await send(
        gatewayUrl,
        { method: 'POST', path: '/openapi/v1/oauth/device/code' },
        'x'.repeat(MAX_BODY_BYTES + 1),
      );
      const socket = connect((gateway.address() as AddressInfo).port, '127.0.0.1');
      socket.write('POST /openapi/v1/oauth/device/code HTTP/1.1\r\nhost: x\r\n');
      socket.write('content-length: 100\r\n\r\n{"half":');
      await new Promise((resolve) => setTimeout(resolve, 5));
      socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const got = await send(
      gatewayUrl,
      { method: 'POST', path: '/openapi/v1/oauth/device/code' },
      '{}',
    );
    expect(got.status).toBe(200);
  });
});
