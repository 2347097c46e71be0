/**
 * URL conventions of the public surface (contract §1.3–1.4, §3), shared by the gateway and auth.
 * They decide which error envelope a path speaks and which headers it carries.
 */

const DEVICE_PREFIXES = ['/openapi/v1/oauth/', '/v1/oauth/device/'] as const;
const API_PREFIXES = ['/openapi/v1/', '/v1/'] as const;
const FRAME_DENY_PREFIXES = [...API_PREFIXES, '/device'] as const;
const VERSION_GATED_PREFIXES = ['/openapi/v1/', '/v1/'] as const;
const VERSION_GATE_EXEMPT = new Set(['/openapi/v1/_health', '/openapi/v1/_version']);

export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** Paths that answer errors in the RFC 6749 device envelope `{error, error_description?}`. */
export function isDeviceProtocolPath(path: string): boolean {
  return DEVICE_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/** The OpenAPI surface (device endpoints, bearer API, meta): never cached. */
export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/** Paths whose responses must never be framed. */
export function isFrameDeniedPath(path: string): boolean {
  return FRAME_DENY_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix));
}

/** Paths the difyctl version gate covers (§1.7). */
export function isVersionGatedPath(path: string): boolean {
  return (
    !VERSION_GATE_EXEMPT.has(path) &&
    VERSION_GATED_PREFIXES.some((prefix) => path.startsWith(prefix))
  );
}
