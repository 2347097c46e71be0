import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { pathOf, REQUEST_ID_HEADER, requestIdOf } from '@dify/platform';
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

function forwardedHeaders(request: IncomingMessage): Record<string, string | string[]> {
  const headers = withoutHopByHop(request.headers);
  const peer = request.socket.remoteAddress ?? 'unknown';
  const priorFor = request.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = priorFor ? `${String(priorFor)}, ${peer}` : peer;
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
    private readonly logger: { error(fields: object, message: string): void },
  ) {
    const target = new URL(authBaseUrl);
    this.basePath = target.pathname.replace(/\/$/, '');
    this.pool = new Pool(target.origin, { connections: 256, keepAliveTimeout: 30_000 });
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
        headers: forwardedHeaders(request),
        body: hasBody ? request : null,
      })
      .then(
        (answer) => {
          response.writeHead(answer.statusCode, withoutHopByHop(answer.headers));
          answer.body.pipe(response);
        },
        (error: unknown) => {
          this.logger.error({ err: error, request_id: requestIdOf(request) }, 'auth unreachable');
          if (response.headersSent) {
            response.destroy();
            return;
          }
          // Auth did not answer: the device envelope, as every device path speaks.
          response
            .writeHead(502, { 'content-type': 'application/json', 'cache-control': 'no-store' })
            .end('{"error":"server_error"}');
        },
      );
    return true;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
