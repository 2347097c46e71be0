import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import {
  isDeviceProtocolPath,
  MAX_BODY_BYTES,
  OUTAGE_RETRY_AFTER_SECONDS,
  pathOf,
  resolveClientIp,
  type TrustedProxies,
} from '@dify/http-edge';
import { REQUEST_ID_HEADER, requestIdOf } from '@dify/platform';
import { type Dispatcher, Pool } from 'undici';
import { InFlightLimit } from './in-flight-limit';

/**
 * Proxied requests one client address may have in flight at once. The CLI and the /device page
 * need a handful; more only holds the gateway's sockets and memory.
 */
export const PROXIED_IN_FLIGHT_PER_CLIENT = 100;

/** A body that did not arrive whole: too large, or the client went away mid-way. */
class BodyNotRead extends Error {
  constructor(readonly tooLarge: boolean) {
    super(tooLarge ? 'request body too large' : 'request body not received');
  }
}

/**
 * Reads a proxied request's body into memory, at most `MAX_BODY_BYTES`: the device-flow bodies
 * are small, and a body read in full before any upstream connection is taken means a client
 * that sends slowly holds nothing but its own socket (which the server's request timeout ends).
 */
function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    return Promise.reject(new BodyNotRead(true));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        request.pause();
        reject(new BodyNotRead(true));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', () => reject(new BodyNotRead(false)));
    request.once('aborted', () => reject(new BodyNotRead(false)));
  });
}

// RFC 9110 §7.6.1: connection-specific headers never travel past one hop.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * What the gateway hands to auth (docs/device-flow.md, "Routes");
 * `DELETE /v1/oauth/authorizations/self` stays here.
 */
export function isProxiedToAuth(method: string, path: string): boolean {
  if (method === 'DELETE' && path === '/v1/oauth/authorizations/self') return false;
  return (
    path.startsWith('/openapi/v1/oauth/') ||
    path.startsWith('/v1/oauth/') ||
    path === '/.well-known/oauth-authorization-server' ||
    path.startsWith('/.well-known/oauth-authorization-server/')
  );
}

/**
 * Header names `Connection` lists as hop-by-hop too; `undefined` when it lists none beyond the
 * standard ones, which is what nearly every request and answer carries (no header, or
 * `keep-alive`), so the common case builds no set.
 */
function namedByConnection(connection: string | string[] | undefined): Set<string> | undefined {
  if (connection === undefined || connection === 'keep-alive') return undefined;
  return new Set(
    String(connection)
      .split(',')
      .map((name) => name.trim().toLowerCase()),
  );
}

function withoutHopByHop(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  const named = namedByConnection(headers.connection);
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || named?.has(name)) continue;
    kept[name] = value;
  }
  return kept;
}

function forwardedHeaders(
  request: IncomingMessage,
  client: string,
): Record<string, string | string[]> {
  const headers = withoutHopByHop(request.headers);
  // The gateway's own server already answered `100 Continue` to the client before the body
  // was read; the expectation is settled on this hop and is not passed on.
  delete headers.expect;
  // Exactly one address, the client as the gateway resolves it: the peer, or when the peer is
  // one of the gateway's trusted proxies, the address that proxy vouches for. Whatever else a
  // client wrote in the header never reaches auth, which believes the gateway.
  headers['x-forwarded-for'] = client;
  headers['x-forwarded-proto'] = 'encrypted' in request.socket ? 'https' : 'http';
  if (request.headers.host) headers['x-forwarded-host'] = request.headers.host;
  headers[REQUEST_ID_HEADER] = requestIdOf(request);
  delete headers.host;
  return headers;
}

/**
 * Streams the device-flow surface to the auth service so the CLI and the browser use one origin.
 * It sees requests before the framework does (see `interceptRequest` of the HTTP app factory)
 * and forwards over a keep-alive connection pool: the gateway buffers the small request body
 * (see `readBody`) but neither parses nor re-encodes, and passes method, body, status and
 * every response header (Set-Cookie, Retry-After, Cache-Control, X-Request-Id) through
 * untouched. Auth logs, gates and answers these requests.
 */
export class AuthProxy {
  private readonly pool: Pool;
  private readonly basePath: string;

  private readonly inFlight = new InFlightLimit(PROXIED_IN_FLIGHT_PER_CLIENT);

  constructor(
    authBaseUrl: string,
    /** The gateway's own trusted list: whose X-Forwarded-For it believes before passing it on. */
    private readonly trustedProxies: TrustedProxies,
    private readonly logger: { warn(fields: object, message: string): void },
  ) {
    const target = new URL(authBaseUrl);
    this.basePath = target.pathname.replace(/\/$/, '');
    this.pool = new Pool(target.origin, {
      connections: 256,
      keepAliveTimeout: 30_000,
      // A hung auth must not hold gateway requests for undici's five-minute default.
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
  }

  /** Takes the request over when it belongs to auth; answers whether it did. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const url = request.url ?? '/';
    const method = request.method ?? 'GET';
    if (!isProxiedToAuth(method, pathOf(url))) return false;
    const client = resolveClientIp(
      request.socket.remoteAddress,
      request.headers['x-forwarded-for'],
      this.trustedProxies,
    );
    if (!this.inFlight.acquire(client)) {
      this.refuse(request, response, 429, { error: 'rate_limited' }, 'rate_limited', {
        'retry-after': '1',
      });
      return true;
    }
    response.once('close', () => this.inFlight.release(client));
    const hasBody = method !== 'GET' && method !== 'HEAD';
    (hasBody ? readBody(request) : Promise.resolve(null)).then(
      (body) => this.forward(request, response, client, body),
      (error: unknown) => {
        if (error instanceof BodyNotRead && error.tooLarge) {
          this.refuse(request, response, 413, { error: 'invalid_request' }, 'payload_too_large');
        } else {
          response.destroy();
        }
      },
    );
    return true;
  }

  private forward(
    request: IncomingMessage,
    response: ServerResponse,
    client: string,
    body: Buffer | null,
  ): void {
    if (response.destroyed) return;
    const headers = forwardedHeaders(request, client);
    if (body !== null) {
      // The body is whole now: its length is exact, and it no longer travels chunked.
      headers['content-length'] = String(body.length);
    }
    // `stream` rather than `request`: undici writes the upstream body straight into the client's
    // response (ending it, destroying it on an upstream error, aborting the upstream request when
    // the client goes away) without the Readable and pipeline `request` puts in between. On the
    // bench's gateway poll (2 cores, wrk) it served 3,280 and 3,630 req/s against 1,213 and
    // 2,439 for `request` in alternating runs. Pipelining does not apply: undici never pipelines
    // the POSTs this surface carries. @fastify/reply-from would route these requests through
    // Fastify, which this proxy runs ahead of on purpose (see `interceptRequest`).
    this.pool.stream(
      {
        method: (request.method ?? 'GET') as Dispatcher.HttpMethod,
        path: `${this.basePath}${request.url ?? '/'}`,
        headers,
        body,
      },
      ({ statusCode, headers: answerHeaders }) => {
        response.writeHead(statusCode, withoutHopByHop(answerHeaders));
        return response;
      },
      (error) => {
        if (!error) return;
        if (!response.headersSent) {
          this.unreachable(request, response, error);
          return;
        }
        if (!response.writableFinished) {
          this.logger.warn(
            { error: describe(error), request_id: requestIdOf(request) },
            'auth response cut short',
          );
          response.destroy();
        }
      },
    );
  }

  /**
   * An answer of the gateway's own, in the device envelope on device paths. The request body
   * may be unread, so the connection closes after it.
   */
  private refuse(
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    deviceBody: Record<string, string>,
    code: string,
    headers: Record<string, string> = {},
  ): void {
    const body = isDeviceProtocolPath(pathOf(request.url ?? '/'))
      ? deviceBody
      : { code, message: code.replace(/_/g, ' '), status };
    response
      .writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        pragma: 'no-cache',
        connection: 'close',
        [REQUEST_ID_HEADER]: requestIdOf(request),
        ...headers,
      })
      .end(JSON.stringify(body));
  }

  /** Auth did not answer (down, restarting, reset before its answer): a clear 503. */
  private unreachable(request: IncomingMessage, response: ServerResponse, error: unknown): void {
    this.logger.warn(
      { error: describe(error), request_id: requestIdOf(request) },
      'auth unreachable',
    );
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const body = isDeviceProtocolPath(pathOf(request.url ?? '/'))
      ? { error: 'temporarily_unavailable' }
      : {
          code: 'service_unavailable',
          message: 'The sign-in service is temporarily unavailable; retry shortly',
          status: 503,
        };
    response
      .writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        pragma: 'no-cache',
        'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS),
        [REQUEST_ID_HEADER]: requestIdOf(request),
      })
      .end(JSON.stringify(body));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The error without request details: undici errors may carry the request they belong to. */
function describe(error: unknown): { code?: string; message: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { message: error.message.slice(0, 200), ...(typeof code === 'string' ? { code } : {}) };
}
