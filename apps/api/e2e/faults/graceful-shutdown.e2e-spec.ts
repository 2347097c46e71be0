import { connect, createServer, type Socket } from 'node:net';
import { freePort, ServiceProcess, waitFor } from '@dify/testing';

const GRACE_SECONDS = 3;
const RAW_SOCKETS = 30;
const PIPELINED_PER_SOCKET = 10;
const BURST = 600;
const KEEP_ALIVE_LOOPS = 8;
const PATH = '/openapi/v1/_health';

/** A client socket that counts the answers it receives and any error it meets. */
class RawClient {
  answers = 0;
  error: string | undefined;
  ended = false;
  private text = '';

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1');
      this.answers = this.text.split('HTTP/1.1 ').length - 1;
    });
    socket.on(
      'error',
      (error: NodeJS.ErrnoException) => (this.error = error.code ?? error.message),
    );
    socket.on('close', () => (this.ended = true));
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get statuses(): string[] {
    return [...this.text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => match[1]);
  }
}

function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String(error);
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** SIGTERM under load: readiness flips first, the grace period serves, nothing read is reset. */
describe('graceful shutdown', () => {
  it('reports not-ready, serves through the grace period, answers what it read and exits 0', async () => {
    const api = await ServiceProcess.start('api', {
      SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
    });
    const url = `${api.baseUrl}${PATH}`;

    // Keep-alive load running before and through the shutdown, until connections are refused.
    // Each request carries its own id, so a reset can be checked against what the server read.
    const loopErrors: { id: string; code: string }[] = [];
    let loopAnswers = 0;
    let sent = 0;
    const loops = Array.from({ length: KEEP_ALIVE_LOOPS }, async () => {
      for (;;) {
        const id = `load-${(sent += 1)}`;
        try {
          const response = await fetch(url, { headers: { 'x-request-id': id } });
          await response.arrayBuffer();
          if (response.status !== 200) loopErrors.push({ id, code: `status ${response.status}` });
          loopAnswers += 1;
        } catch (error) {
          const code = errorCode(error);
          if (code !== 'ECONNREFUSED') loopErrors.push({ id, code });
          return;
        }
      }
    });
    await waitFor(() => loopAnswers > 50, { description: 'keep-alive load to run' });
    const raw = await Promise.all(
      Array.from({ length: RAW_SOCKETS }, () => RawClient.open(api.port)),
    );
    const slow = await RawClient.open(api.port);

    const signalled = Date.now();
    process.kill(api.pid ?? 0, 'SIGTERM');
    await waitFor(async () => (await fetch(`${api.opsUrl}/health/ready`)).status === 503, {
      timeoutMs: 1_000,
      intervalMs: 20,
      description: 'readiness to flip at once',
    });
    const notReadyMs = Date.now() - signalled;

    // Requests written on open connections and a burst of fresh ones, all inside the grace.
    const request = `GET ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    for (const client of raw) client.socket.write(request.repeat(PIPELINED_PER_SOCKET));
    const burst = await Promise.all(
      Array.from({ length: BURST }, () =>
        fetch(url).then(
          async (response) => {
            await response.arrayBuffer();
            return String(response.status);
          },
          (error: unknown) => errorCode(error),
        ),
      ),
    );
    // A request read before the stop whose body only arrives after it: still answered.
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'wrong-pass-1' });
    slow.socket.write(
      `POST /console/api/login HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
        `content-length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await waitFor(() => refusesConnections(api.port), {
      timeoutMs: GRACE_SECONDS * 1_000 + 5_000,
      description: 'the listener to stop accepting after the grace period',
    });
    const stoppedAcceptingMs = Date.now() - signalled;
    slow.socket.write(body.slice(10));

    const exit = await api.exited;
    const exitMs = Date.now() - signalled;
    await Promise.all(loops);

    const rawAnswers = raw.reduce((sum, client) => sum + client.answers, 0);
    const rawErrors = raw.flatMap((client) => (client.error ? [client.error] : []));
    const burstFailures = burst.filter((status) => status !== '200');
    process.stdout.write(
      `shutdown: not-ready after ${notReadyMs} ms, stopped accepting after ${stoppedAcceptingMs} ms, ` +
        `exit ${exit.code} after ${exitMs} ms; raw ${rawAnswers}/${RAW_SOCKETS * PIPELINED_PER_SOCKET} ` +
        `answered, ${rawErrors.length} errors; burst ${BURST - burstFailures.length}/${BURST}; ` +
        `keep-alive ${loopAnswers} answers, ${loopErrors.length} resets of unread requests\n`,
    );

    expect(exit).toEqual({ code: 0, signal: null });
    expect(stoppedAcceptingMs).toBeGreaterThanOrEqual(GRACE_SECONDS * 1_000);
    expect(exitMs).toBeLessThan(GRACE_SECONDS * 1_000 + 15_000);
    expect(rawErrors).toEqual([]);
    expect(rawAnswers).toBe(RAW_SOCKETS * PIPELINED_PER_SOCKET);
    expect(raw.flatMap((client) => client.statuses).filter((status) => status !== '200')).toEqual(
      [],
    );
    expect(burstFailures).toEqual([]);
    // A request on a connection the server had not yet accepted (still in the listen backlog
    // when the listener closed) may be reset: it was never read. One the server read may not.
    const readByServer = new Set(
      api.logEntries().map((entry) => (entry.req as { id?: string } | undefined)?.id),
    );
    expect(loopErrors.filter((failure) => readByServer.has(failure.id))).toEqual([]);
    expect(loopErrors.filter((failure) => failure.code.startsWith('status'))).toEqual([]);
    expect(slow.statuses).toEqual(['401']);
    expect(slow.error).toBeUndefined();
  });

  it.each([
    ['api', 'API_PORT'],
    ['worker', 'WORKER_HEALTH_PORT'],
  ] as const)(
    '%s reports a port already in use as one JSON line naming %s, then exits 1',
    async (name, variable) => {
      const squatter = createServer();
      await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
      const address = squatter.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      try {
        const service = await ServiceProcess.start(name, {}, { port, waitUntilReady: false });
        expect(await service.exited).toEqual({ code: 1, signal: null });
        expect(service.lines.filter((line) => !line.startsWith('{'))).toEqual([]);
        const fatal = service.logEntries().filter((entry) => entry.level === 'fatal');
        expect(fatal).toEqual([
          expect.objectContaining({ service: name, variable, error_code: 'EADDRINUSE' }),
        ]);
        expect(String(fatal[0].msg)).toContain(`port ${port} is already in use`);
      } finally {
        await new Promise((resolve) => squatter.close(resolve));
      }
    },
  );

  it('reports an unreachable database at start-up as JSON lines naming DATABASE_URL, then exits 1', async () => {
    const closedPort = await freePort();
    const api = await ServiceProcess.start(
      'api',
      { DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/dify` },
      { waitUntilReady: false },
    );
    expect(await api.exited).toEqual({ code: 1, signal: null });
    expect(api.lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    expect(api.logEntries().filter((entry) => entry.level === 'fatal')).toEqual([
      expect.objectContaining({ service: 'api', variable: 'DATABASE_URL' }),
    ]);
  });
});
