import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { OUTAGE_RETRY_AFTER_SECONDS } from '../errors/error-envelope';
import { isDeviceProtocolPath, pathOf } from '../paths/protocol-paths';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * serving: normal. draining: readiness is down and the grace period runs; everything is still
 * served, and a connection is closed after the last request it sent, so keep-alive clients move
 * to a fresh connection (which a load balancer sends elsewhere). stopped: no new connection is
 * accepted; requests already read, or arriving on open connections, are still answered.
 * closed: the application is shutting down; anything that still arrives is refused.
 */
type Phase = 'serving' | 'draining' | 'stopped' | 'closed';

// Requests read on a connection and not yet answered; pipelined requests count one each.
const PENDING = Symbol('pendingRequests');
type TrackedSocket = Socket & { [PENDING]?: number };

export interface DrainTimings {
  /** How long a connection opened just before the stop may take to send its request. */
  readonly lingerMs: number;
  /** How long requests in flight may take before their connections are cut. */
  readonly requestsMs: number;
}

const DEFAULT_TIMINGS: DrainTimings = { lingerMs: 1_000, requestsMs: 10_000 };

/**
 * Connection-level drain of an HTTP server, for a shutdown that resets nobody: every request the
 * server has read gets its answer, pipelined ones included, and only idle connections are closed.
 */
export class HttpDrain {
  private phase: Phase = 'serving';
  private readonly sockets = new Set<TrackedSocket>();
  private server: Server | undefined;

  /** Wraps the server's request handler; call before the server accepts anything. */
  wrap(handler: Handler): Handler {
    return (request, response) => {
      const socket = request.socket as TrackedSocket;
      socket[PENDING] = (socket[PENDING] ?? 0) + 1;
      response.once('close', () => this.answered(socket));
      if (this.phase === 'closed') {
        refuse(request, response);
        return;
      }
      if (this.phase !== 'serving') closeAfterLastAnswer(response, socket);
      handler(request, response);
    };
  }

  attach(server: Server): void {
    this.server = server;
    server.on('connection', (socket: TrackedSocket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** The grace period starts: keep serving, and let keep-alive connections go one by one. */
  beginDraining(): void {
    if (this.phase === 'serving') this.phase = 'draining';
  }

  /**
   * Stops accepting connections, answers what was read, closes idle connections, and resolves
   * once no connection is left (cutting the remaining ones after `requestsMs`).
   */
  async stop(timings: DrainTimings = DEFAULT_TIMINGS): Promise<void> {
    this.beginDraining();
    this.phase = 'stopped';
    const server = this.server;
    if (server?.listening) {
      // net's close, not http's: http's also drops idle connections at once, including ones
      // whose request is on the wire but not yet read.
      NetServer.prototype.close.call(server);
    }
    if (await this.allClosedWithin(timings.lingerMs)) return this.close();
    server?.closeIdleConnections();
    for (const socket of this.sockets) if (!socket[PENDING]) socket.destroy();
    if (!(await this.allClosedWithin(timings.requestsMs))) {
      for (const socket of this.sockets) socket.destroy();
    }
    this.close();
  }

  private close(): void {
    this.phase = 'closed';
  }

  private answered(socket: TrackedSocket): void {
    socket[PENDING] = Math.max(0, (socket[PENDING] ?? 1) - 1);
    if (this.phase !== 'stopped' && this.phase !== 'closed') return;
    // Give a pipelined request already received a chance to be parsed before calling it idle;
    // end() rather than destroy() so the answer just written is flushed before the FIN.
    setImmediate(() => {
      if (socket[PENDING] || socket.destroyed) return;
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref();
    });
  }

  private allClosedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.sockets.size === 0) resolve(true);
        else if (Date.now() >= deadline) resolve(false);
        else setTimeout(check, 25);
      };
      check();
    });
  }
}

/**
 * Sends `Connection: close` with the answer when, at the moment its head is written, no other
 * request read on the connection still waits for its answer: a pipelined batch is answered in
 * full, and the connection closes after its last answer.
 */
function closeAfterLastAnswer(response: ServerResponse, socket: TrackedSocket): void {
  const writeHead = response.writeHead.bind(response) as (...params: unknown[]) => ServerResponse;
  response.writeHead = ((...args: unknown[]) => {
    if ((socket[PENDING] ?? 0) <= 1) response.shouldKeepAlive = false;
    return writeHead(...args);
  }) as typeof response.writeHead;
}

/** The answer to a request that arrives after the application began to close. */
function refuse(request: IncomingMessage, response: ServerResponse): void {
  const body = isDeviceProtocolPath(pathOf(request.url ?? '/'))
    ? { error: 'temporarily_unavailable' }
    : {
        code: 'service_unavailable',
        message: 'The service is shutting down; retry shortly',
        status: 503,
      };
  response.shouldKeepAlive = false;
  response
    .writeHead(503, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS),
    })
    .end(JSON.stringify(body));
}
