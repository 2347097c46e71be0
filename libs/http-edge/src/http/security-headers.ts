import type { FastifyInstance, FastifyReply } from 'fastify';
import { isApiPath, isConsoleApiPath, isFrameDeniedPath } from '../paths/protocol-paths';
import { routedPath } from '../paths/routed-path';

export interface SecurityHeaderOptions {
  /** Ask browsers to reach the deployment over https only (its public URL is https). */
  readonly strictTransportSecurity: boolean;
}

/** A year, the usual figure; subdomains are left alone, they may not all be ours. */
const HSTS_VALUE = 'max-age=31536000';

/** True when the deployment is reached over https, so browsers may be told to insist on it. */
export function publicUrlsAreHttps(urls: {
  readonly CONSOLE_API_URL: string;
  readonly CONSOLE_WEB_URL: string;
}): boolean {
  const https = (url: string): boolean => url.trim().toLowerCase().startsWith('https:');
  return https(urls.CONSOLE_API_URL) || https(urls.CONSOLE_WEB_URL);
}

/**
 * Headers every answer carries, each added only when the handler did not set it already (the
 * web pages set their own, stricter, set): no content sniffing, no referrer (URLs may carry a
 * user code), https only on an https deployment, no framing on the API and device surfaces, and
 * no caching of any API or console answer (they carry codes, tokens, cookies, CSRF secrets or a
 * person's account and devices). An onSend hook, so responses that never reach a controller (a
 * 404, a guard's error, a throttle's 429) carry them too.
 */
export function registerSecurityHeaders(
  fastify: FastifyInstance,
  options: SecurityHeaderOptions,
): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    setDefault(reply, 'x-content-type-options', 'nosniff');
    setDefault(reply, 'referrer-policy', 'no-referrer');
    if (options.strictTransportSecurity) {
      setDefault(reply, 'strict-transport-security', HSTS_VALUE);
    }
    const path = routedPath(request);
    if (isFrameDeniedPath(path)) {
      setDefault(reply, 'x-frame-options', 'DENY');
      setDefault(reply, 'content-security-policy', "frame-ancestors 'none'");
    }
    if (isApiPath(path)) {
      setDefault(reply, 'cache-control', 'no-store');
      setDefault(reply, 'pragma', 'no-cache');
    } else if (isConsoleApiPath(path)) {
      // Browsers only: Pragma is for HTTP/1.0 caches in front of API clients.
      setDefault(reply, 'cache-control', 'no-store');
    }
    done(null, payload);
  });
}

function setDefault(reply: FastifyReply, name: string, value: string): void {
  if (!reply.hasHeader(name)) void reply.header(name, value);
}
