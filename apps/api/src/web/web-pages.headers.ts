/**
 * Only what the pages use: their own scripts, stylesheet, icon and same-origin API calls. No
 * inline script or style, no framing, forms post only to this origin.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

// X-Content-Type-Options, Referrer-Policy and HSTS come from the app-wide security headers.
const COMMON: Readonly<Record<string, string>> = {
  'cross-origin-resource-policy': 'same-origin',
};

/** The HTML carries the page's state in the making (a code in the URL): never stored anywhere. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  ...COMMON,
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** Hashed file names change with their content, so a year-long immutable cache is safe. */
export const ASSET_HEADERS: Readonly<Record<string, string>> = {
  ...COMMON,
  'cache-control': 'public, max-age=31536000, immutable',
};
