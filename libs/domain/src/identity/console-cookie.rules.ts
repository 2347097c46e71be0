/**
 * The console session cookies and how a deployment names them (docs/console.md, "Cookies"). The
 * services that set and read them, the web pages and the tests all take the names from here.
 * Renaming one signs every browser out.
 */
export const CONSOLE_COOKIE_BASE_NAMES = {
  access: 'console_access_token',
  refresh: 'console_refresh_token',
  csrf: 'csrf_token',
} as const;

export type ConsoleCookie = keyof typeof CONSOLE_COOKIE_BASE_NAMES;

export type ConsoleCookieNames = Readonly<Record<ConsoleCookie, string>>;

/** The refresh cookie is only ever sent to the console API's own session endpoints. */
export const CONSOLE_REFRESH_COOKIE_PATH = '/console/api';

/** What the names depend on: whether the cookies are Secure (https) and their Domain, if any. */
export interface ConsoleCookieDeployment {
  readonly secure: boolean;
  readonly domain?: string;
}

/**
 * The names strongest first: `__Host-` (Secure, Path=/, no Domain: no other host, sibling
 * subdomains included, can set or shadow it), `__Secure-` (Secure only), then the plain name.
 */
export const CONSOLE_COOKIE_PREFIXES = ['__Host-', '__Secure-', ''] as const;

/**
 * On https, host-only cookies at Path=/ take `__Host-` and cookies with a Domain take
 * `__Secure-`. The refresh cookie lives on CONSOLE_REFRESH_COOKIE_PATH, which `__Host-` forbids,
 * so it takes `__Secure-`: keeping it off every other request is worth more than the prefix. On
 * plain http (local development) the names stay plain: browsers refuse prefixed cookies that are
 * not Secure.
 */
export function consoleCookieNames(deployment: ConsoleCookieDeployment): ConsoleCookieNames {
  if (!deployment.secure) return CONSOLE_COOKIE_BASE_NAMES;
  const atRoot = deployment.domain ? '__Secure-' : '__Host-';
  return {
    access: `${atRoot}${CONSOLE_COOKIE_BASE_NAMES.access}`,
    refresh: `__Secure-${CONSOLE_COOKIE_BASE_NAMES.refresh}`,
    csrf: `${atRoot}${CONSOLE_COOKIE_BASE_NAMES.csrf}`,
  };
}

/**
 * Every name a cookie may carry in some deployment, strongest first: for a page, which cannot see
 * the deployment's settings and reads the first one present.
 */
export function consoleCookieNameCandidates(cookie: ConsoleCookie): readonly string[] {
  return CONSOLE_COOKIE_PREFIXES.map((prefix) => `${prefix}${CONSOLE_COOKIE_BASE_NAMES[cookie]}`);
}
