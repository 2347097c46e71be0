import { Agent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { pathOf, REQUEST_ID_HEADER } from '@dify/platform';

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

function forwardedHeaders(request: FastifyRequest): Record<string, string | string[]> {
  const headers = withoutHopByHop(request.headers);
  const peer = request.socket.remoteAddress ?? 'unknown';
  const priorFor = request.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = priorFor ? `${String(priorFor)}, ${peer}` : peer;
  headers['x-forwarded-proto'] = request.protocol;
  if (request.headers.host) headers['x-forwarded-host'] = request.headers.host;
  headers[REQUEST_ID_HEADER] = request.id;
  delete headers.host;
  return headers;
}

/**
 * Streams the device-flow surface to the auth service so the CLI and the browser use one origin.
 * It runs as an onRequest hook, before Fastify parses the body, and pipes both directions: the
 * gateway neither buffers nor re-encodes, and passes method, body, status and every response
 * header (Set-Cookie, Retry-After, Cache-Control) through untouched.
 */
export function registerAuthProxy(fastify: FastifyInstance, authBaseUrl: string): void {
  const target = new URL(authBaseUrl);
  const secure = target.protocol === 'https:';
  const agent = secure ? undefined : new Agent({ keepAlive: true, maxSockets: 512 });
  const send = secure ? httpsRequest : httpRequest;

  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isProxiedToAuth(request.method, pathOf(request.url))) {
      done();
      return;
    }
    void reply.hijack();
    const response = reply.raw;
    const upstream = send(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: request.method,
        path: `${target.pathname.replace(/\/$/, '')}${request.url}`,
        headers: forwardedHeaders(request),
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) => {
      request.log.error({ err: error }, 'auth service unreachable');
      if (response.headersSent) {
        response.destroy();
        return;
      }
      // Auth did not answer: the device envelope, as every device path speaks.
      response
        .writeHead(502, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end('{"error":"server_error"}');
    });
    request.raw.pipe(upstream);
  });
}
