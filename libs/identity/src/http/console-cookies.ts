import { Inject, Injectable } from '@nestjs/common';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../identity.settings';
import type { IssuedSession } from '../sessions/console-session.service';

/**
 * Cookie names of the console session (docs/console.md, "Cookies"); the web pages and auth rely on
 * them.
 */
export const CONSOLE_COOKIES = {
  access: 'console_access_token',
  refresh: 'console_refresh_token',
  csrf: 'csrf_token',
} as const;

/** The refresh cookie is only ever needed by the console API's own session endpoints. */
const REFRESH_COOKIE_PATH = '/console/api';

/**
 * Writes and clears the three session cookies. All are SameSite=Lax, Secure on https, scoped to
 * COOKIE_DOMAIN when set; all but the CSRF cookie are HttpOnly, since the page must read that one
 * to echo it in `X-CSRF-Token`.
 */
@Injectable()
export class ConsoleCookies {
  constructor(@Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings) {}

  write(reply: FastifyReply, session: IssuedSession): void {
    const refreshSeconds = this.settings.refreshTokenDays * 86_400;
    void reply
      .setCookie(CONSOLE_COOKIES.access, session.accessToken, {
        ...this.base(true, '/'),
        maxAge: this.settings.accessTokenMinutes * 60,
      })
      .setCookie(CONSOLE_COOKIES.refresh, session.refreshToken, {
        ...this.base(true, REFRESH_COOKIE_PATH),
        maxAge: refreshSeconds,
      })
      .setCookie(CONSOLE_COOKIES.csrf, session.csrfToken, {
        ...this.base(false, '/'),
        maxAge: refreshSeconds,
      });
  }

  clear(reply: FastifyReply): void {
    void reply
      .clearCookie(CONSOLE_COOKIES.access, this.base(true, '/'))
      .clearCookie(CONSOLE_COOKIES.refresh, this.base(true, REFRESH_COOKIE_PATH))
      .clearCookie(CONSOLE_COOKIES.csrf, this.base(false, '/'));
  }

  private base(httpOnly: boolean, path: string): CookieSerializeOptions {
    return {
      httpOnly,
      path,
      sameSite: 'lax',
      secure: this.settings.cookies.secure,
      ...(this.settings.cookies.domain ? { domain: this.settings.cookies.domain } : {}),
    };
  }
}
