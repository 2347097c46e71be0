/**
 * URL conventions of the public surface
 * (docs/device-flow.md, "Routes", "Error envelopes", "Headers"), shared by the gateway and auth.
 * They decide which error envelope a path speaks and which headers it carries.
 */

const DEVICE_PREFIXES = ['/openapi/v1/oauth/', '/v1/oauth/device/'] as const;
const API_PREFIXES = ['/openapi/v1/', '/v1/'] as const;
const FRAME_DENY_PREFIXES = [...API_PREFIXES, '/device'] as const;
const VERSION_GATED_PREFIXES = ['/openapi/v1/', '/v1/'] as const;
const VERSION_GATE_EXEMPT = new Set(['/openapi/v1/_health', '/openapi/v1/_version']);

/** An absolute-form request target's scheme and authority, which the router drops. */
const ABSOLUTE_FORM_PREFIX = /^https?:\/\/[^/]*\//i;

/**
 * The path a request target names, read the way the router reads it: an absolute-form target
 * reduced to its path, the query (and any fragment) cut off, and percent-escapes decoded
 * (reserved characters such as `%2F` stay escaped, as they do for routing). A policy that
 * compared the raw target instead could be stepped around with `/%63ode` or `http://x/...`.
 */
export function pathOf(url: string): string {
  let path = url.charCodeAt(0) === 47 ? url : url.replace(ABSOLUTE_FORM_PREFIX, '/');
  const end = path.search(/[?#]/);
  if (end >= 0) path = path.slice(0, end);
  if (!path.includes('%')) return path;
  try {
    return decodeURI(path);
  } catch {
    // Not valid escapes: the router refuses the target too, so the raw text is as good as any.
    return path;
  }
}

/** Paths that answer errors in the RFC 6749 device envelope `{error, error_description?}`. */
export function isDeviceProtocolPath(path: string): boolean {
  return DEVICE_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/** The OpenAPI surface (device endpoints, bearer API, meta): never cached. */
export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/** The console API: sign-in, refresh and the session's own data; never cached either. */
export function isConsoleApiPath(path: string): boolean {
  return path === '/console/api' || path.startsWith('/console/api/');
}

/** Paths whose responses must never be framed. */
export function isFrameDeniedPath(path: string): boolean {
  return FRAME_DENY_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix));
}

/** Paths the difyctl version gate covers (docs/device-flow.md, "Client version gate"). */
export function isVersionGatedPath(path: string): boolean {
  return (
    !VERSION_GATE_EXEMPT.has(path) &&
    VERSION_GATED_PREFIXES.some((prefix) => path.startsWith(prefix))
  );
}
