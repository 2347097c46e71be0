/** The value of one cookie from a `document.cookie` string, or null when it is not set. */
export function readCookie(cookieHeader: string, name: string): string | null {
  for (const part of cookieHeader.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() !== name) continue;
    const value = part.slice(separator + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return null;
}

/**
 * The console's CSRF cookie, the only session cookie a page can read, sent back as a header. The
 * deployment names it (`__Host-csrf_token` on https, `__Secure-` with a cookie domain, plain on
 * http); the page cannot see that setting, so it reads the strongest name present. The list is
 * consoleCookieNameCandidates('csrf') of @dify/domain, which the browser bundle cannot import;
 * cookies.spec.ts holds the two equal.
 */
export const CSRF_COOKIE_NAMES = [
  '__Host-csrf_token',
  '__Secure-csrf_token',
  'csrf_token',
] as const;

/** The CSRF value the page sends back, or null without a session. */
export function readCsrfCookie(cookieHeader: string): string | null {
  for (const name of CSRF_COOKIE_NAMES) {
    const value = readCookie(cookieHeader, name);
    if (value !== null) return value;
  }
  return null;
}
export const CSRF_HEADER = 'X-CSRF-Token';
