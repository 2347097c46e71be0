import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import {
  isDeviceProtocolPath,
  OUTAGE_RETRY_AFTER_SECONDS,
  pathOf,
  REQUEST_ID_HEADER,
  requestIdOf,
  resolveClientIp,
  type TrustedProxies,
} from '@dify/platform';
import { type Dispatcher, Pool } from 'undici';

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

/** What the gateway hands to auth (contract §3); `DELETE /v1/oauth/authorizations/self` stays here. */
export function isProxiedToAuth(method: string, path: string): boolean {
  if (method === 'DELETE' && path === '/v1/oauth/authorizations/self') return false;
  return (
    path.startsWith('/openapi/v1/oauth/') ||
    path.startsWith('/v1/oauth/') ||
    path === '/.well-known/oauth-authorization-server' ||
    path.startsWith('/.well-known/oauth-authorization-server/')
  );
}

function withoutHopByHop(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase()),
  );
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    kept[name] = value;
  }
  return kept;
}

function forwardedHeaders(
  request: IncomingMessage,
  trustedProxies: TrustedProxies,
): Record<string, string | string[]> {
  const headers = withoutHopByHop(request.headers);
  // The gateway's own server already answered `100 Continue` to the client before the body
  // was read; the expectation is settled on this hop and is not passed on.
  delete headers.expect;
  // Exactly one address, the client as the gateway resolves it: the peer, or when the peer is
  // one of the gateway's trusted proxies, the address that proxy vouches for. Whatever else a
  // client wrote in the header never reaches auth, which believes the gateway.
  headers['x-forwarded-for'] = resolveClientIp(
    request.socket.remoteAddress,
    request.headers['x-forwarded-for'],
    trustedProxies,
  );
  headers['x-forwarded-proto'] = 'encrypted' in request.socket ? 'https' : 'http';
  if (request.headers.host) headers['x-forwarded-host'] = request.headers.host;
  headers[REQUEST_ID_HEADER] = requestIdOf(request);
  delete headers.host;
  return headers;
}

/**
 * Streams the device-flow surface to the auth service so the CLI and the browser use one origin.
 * It sees requests before the framework does (see `interceptRequest` of the HTTP app factory)
 * and pipes both directions over a keep-alive connection pool: the gateway neither parses,
 * buffers nor re-encodes, and passes method, body, status and every response header
 * (Set-Cookie, Retry-After, Cache-Control, X-Request-Id) through untouched. Auth logs, gates
 * and answers these requests.
 */
export class AuthProxy {
  private readonly pool: Pool;
  private readonly basePath: string;

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
    const hasBody = method !== 'GET' && method !== 'HEAD';
    this.pool
      .request({
        method: method as Dispatcher.HttpMethod,
        path: `${this.basePath}${url}`,
        headers: forwardedHeaders(request, this.trustedProxies),
        body: hasBody ? request : null,
      })
      .then(
        (answer) => {
          response.writeHead(answer.statusCode, withoutHopByHop(answer.headers));
          // pipeline, not pipe: an upstream reset mid-body must end this response, not the
          // process (a stream error without a listener is an uncaught exception).
          pipeline(answer.body, response, (error) => {
            if (error && !response.writableFinished) {
              this.logger.warn(
                { error: describe(error), request_id: requestIdOf(request) },
                'auth response cut short',
              );
            }
          });
        },
        (error: unknown) => this.unreachable(request, response, error),
      );
    return true;
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
