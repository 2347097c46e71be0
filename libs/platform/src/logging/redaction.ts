/**
 * Keys whose values are secrets wherever they appear in a log object (contract §13). Renaming or
 * removing one silently leaks that secret into logs.
 */
export const SECRET_LOG_KEYS = [
  'access_token',
  'authorization',
  'code',
  'code_verifier',
  'cookie',
  'csrf_token',
  'device_code',
  'licenseKey',
  'password',
  'refresh_token',
  'set-cookie',
  'token',
  'user_code',
] as const;

/** pino `redact` paths: each key at the top level, one level down, and in HTTP headers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_LOG_KEYS.flatMap((key) => [`["${key}"]`, `*["${key}"]`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

const SECRET_QUERY_KEYS = new Set<string>(SECRET_LOG_KEYS);

/** Replaces the values of secret query parameters (`?user_code=…`) in a URL path for logging. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const key of [...params.keys()]) {
    if (SECRET_QUERY_KEYS.has(key.toLowerCase())) params.set(key, '[Redacted]');
  }
  return `${url.slice(0, queryStart)}?${params.toString()}`;
}
