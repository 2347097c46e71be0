import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  isDeviceProtocolPath,
  OUTAGE_RETRY_AFTER_SECONDS,
  pathOf,
  resolveClientIp,
  type TrustedProxies,
} from '@dify/http-edge';
import { REQUEST_ID_HEADER, requestIdOf } from '@dify/platform';
import { Pool } from 'undici';
import { InFlightLimit } from './in-flight-limit';
import { type ExchangeOwner, ProxiedExchange } from './proxied-exchange';

/**
 * Proxied requests one client address may have in flight at once. The CLI and the /device page
 * need a handful; more only holds the gateway's sockets and memory.
 */
export const PROXIED_IN_FLIGHT_PER_CLIENT = 100;

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
 * Streams the device-flow surface to the auth service so the CLI and the browser use one origin.
 * It sees requests before the framework does (see `interceptRequest` of the HTTP app factory):
 * skipping Fastify's request objects, routing, hooks and logging for traffic that is only passed
 * on is most of the cost saved. It forwards over a keep-alive connection pool: the gateway buffers
 * the small request body (see `ProxiedExchange`) but neither parses nor re-encodes, and passes
 * method, body, status and every response header (Set-Cookie, Retry-After, Cache-Control,
 * X-Request-Id) through untouched. Auth logs, gates and answers these requests.
 *
 * The answer is written into the client's response by undici's dispatch handler directly
 * (`ProxiedExchange`); before that, by `Pool.stream`, and before that by `Pool.request`, whose
 * Readable and pipeline cost more again (on the bench's gateway poll, 2 cores, wrk: 3,280 and
 * 3,630 req/s for `stream` against 1,213 and 2,439 for `request` in alternating runs).
 * Pipelining does not apply: undici never pipelines the POSTs this surface carries.
 * @fastify/reply-from would route these requests through Fastify, which this proxy runs ahead of
 * on purpose.
 */
export class AuthProxy implements ExchangeOwner {
  readonly pool: Pool;
  readonly basePath: string;

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
    new ProxiedExchange(this, request, response, client).start();
    return true;
  }

  finished(client: string): void {
    this.inFlight.release(client);
  }

  refuseTooLarge(request: IncomingMessage, response: ServerResponse): void {
    this.refuse(request, response, 413, { error: 'invalid_request' }, 'payload_too_large');
  }

  cutShort(request: IncomingMessage, error: Error): void {
    this.logger.warn(
      { error: describe(error), request_id: requestIdOf(request) },
      'auth response cut short',
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
  unreachable(request: IncomingMessage, response: ServerResponse, error: Error): void {
    this.logger.warn(
      { error: describe(error), request_id: requestIdOf(request) },
      'auth unreachable',
    );
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
