import { request as httpRequest } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { freePort, ServiceProcess, waitFor } from '@dify/testing';

/** A POST with `Expect: 100-continue`, sent as curl does: the body only after `100 Continue`. */
function postExpectingContinue(
  url: string,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        expect: '100-continue',
      },
    });
    request.on('continue', () => request.end(body));
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
  });
}

/** Stands where auth should be and resets every connection halfway through its answer. */
async function listenResettingMidResponse(port: number): Promise<Server> {
  const server = createServer((socket: Socket) => {
    socket.once('data', () => {
      socket.write(
        'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4096\r\n\r\n{"device_code":"dc_',
        () => setTimeout(() => socket.resetAndDestroy(), 20),
      );
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

// The run shares one issuance bucket per IP; this suite must not depend on what is left of it.
const authEnv = { DEVICE_CODE_RATE_LIMIT_PER_HOUR: '100000' };
const codeBody = JSON.stringify({ client_id: 'difyctl', device_label: 'proxy-faults' });

/** The gateway's proxy to auth when auth misbehaves, disappears and comes back. */
describe('gateway proxy faults', () => {
  let authPort: number;
  let api: ServiceProcess;
  let auth: ServiceProcess | undefined;

  beforeAll(async () => {
    authPort = await freePort();
    api = await ServiceProcess.start('api', { AUTH_INTERNAL_URL: `http://127.0.0.1:${authPort}` });
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop('SIGKILL')]);
  });

  const postCode = () =>
    fetch(`${api.baseUrl}/openapi/v1/oauth/device/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: codeBody,
    });

  // Proxied and not rate-limited, so waiting on it costs no issuance bucket.
  const authAnswers = async () =>
    (await fetch(`${api.baseUrl}/.well-known/oauth-authorization-server`)).status === 200;

  const gatewayServesItsOwnRoutes = async () => {
    expect((await fetch(`${api.opsUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${api.baseUrl}/openapi/v1/_health`)).status).toBe(200);
  };

  it('survives auth resetting the connection in the middle of an answer', async () => {
    const resetting = await listenResettingMidResponse(authPort);
    try {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        // The client sees a cut answer; the gateway must not go down with it.
        await postCode()
          .then((response) => response.text())
          .catch(() => undefined);
      }
      await gatewayServesItsOwnRoutes();
    } finally {
      await new Promise((resolve) => resetting.close(resolve));
    }
    expect(api.logEntries().some((entry) => entry.msg === 'auth response cut short')).toBe(true);
  });

  it('answers auth routes 503 while auth is down and recovers by itself when it is back', async () => {
    const down = await postCode();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await down.json()).toEqual({ error: 'temporarily_unavailable' });
    await gatewayServesItsOwnRoutes();

    auth = await ServiceProcess.start('auth', authEnv, { port: authPort });
    await waitFor(authAnswers, { description: 'the gateway to reach auth again' });
    expect((await postCode()).status).toBe(200);

    await auth.stop('SIGKILL');
    const killed = await postCode();
    expect(killed.status).toBe(503);
    expect(await killed.json()).toEqual({ error: 'temporarily_unavailable' });
    const metadata = await fetch(`${api.baseUrl}/.well-known/oauth-authorization-server`);
    expect(metadata.status).toBe(503);
    expect(await metadata.json()).toMatchObject({ code: 'service_unavailable', status: 503 });
    await gatewayServesItsOwnRoutes();

    auth = await ServiceProcess.start('auth', authEnv, { port: authPort });
    await waitFor(authAnswers, { description: 'the gateway to reach the restarted auth' });
    expect((await postCode()).status).toBe(200);
  });

  it('proxies a request that expects 100-continue', async () => {
    const answer = await postExpectingContinue(
      `${api.baseUrl}/openapi/v1/oauth/device/code`,
      codeBody,
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ device_code: expect.stringMatching(/^dc_/) });
  });
});
