import {
  type ConsoleCookie,
  CONSOLE_COOKIE_BASE_NAMES,
  type ConsoleCookieNames,
} from '@dify/domain';

/** A cookie as a browser received it: value and attributes, for assertions. */
export interface ReceivedCookie {
  readonly name: string;
  readonly value: string;
  readonly attributes: Readonly<Record<string, string | true>>;
}

export function parseSetCookie(header: string): ReceivedCookie {
  const [pair, ...attributeParts] = header.split(';').map((part) => part.trim());
  const separator = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of attributeParts) {
    const at = part.indexOf('=');
    if (at < 0) attributes[part.toLowerCase()] = true;
    else attributes[part.slice(0, at).toLowerCase()] = part.slice(at + 1);
  }
  return { name: pair.slice(0, separator), value: pair.slice(separator + 1), attributes };
}

/**
 * The cookies one browser holds for the gateway: stores what responses set (and drops what they
 * clear) and sends them back, like a browser would for same-origin requests. It knows the names
 * the deployment gives the console cookies (consoleCookieNames; plain on http, the default).
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  constructor(readonly names: ConsoleCookieNames = CONSOLE_COOKIE_BASE_NAMES) {}

  /** A console session cookie, by the deployment's name for it. */
  session(cookie: ConsoleCookie): string | undefined {
    return this.cookies.get(this.names[cookie]);
  }

  /** The headers a signed-in page sends on a state-changing call: the cookies and the CSRF echo. */
  sessionHeaders(): Record<string, string> {
    return { cookie: this.header(), 'x-csrf-token': this.session('csrf') ?? '' };
  }

  /** Stores the response's cookies and answers them as received. */
  store(response: Response): ReceivedCookie[] {
    const received = response.headers.getSetCookie().map(parseSetCookie);
    for (const cookie of received) {
      if (cookie.value === '' || cookie.attributes['max-age'] === '0')
        this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return received;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  copy(): CookieJar {
    const jar = new CookieJar(this.names);
    for (const [name, value] of this.cookies) jar.set(name, value);
    return jar;
  }
}
