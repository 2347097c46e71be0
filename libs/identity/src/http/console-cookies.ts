import { Inject, Injectable } from '@nestjs/common';
import type { CookieSerializeOptions } from '@fastify/cookie';
import {
  type ConsoleCookie,
  type ConsoleCookieNames,
  CONSOLE_REFRESH_COOKIE_PATH as REFRESH_COOKIE_PATH,
} from '@dify/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../identity.settings';
import type { IssuedSession } from '../sessions/console-session.service';

/**
 * Writes, clears and reads the three session cookies (docs/console.md, "Cookies"), under the
 * names the deployment gives them (`__Host-`/`__Secure-` on https). All are SameSite=Lax, Secure
 * on https, scoped to COOKIE_DOMAIN when set; all but the CSRF cookie are HttpOnly, since the
 * page must read that one to echo it in `X-CSRF-Token`.
 */
@Injectable()
export class ConsoleCookies {
  private readonly names: ConsoleCookieNames;

  constructor(@Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings) {
    this.names = settings.cookies.names;
  }

  /** The value of one session cookie on the request, by this deployment's name for it. */
  read(request: FastifyRequest, cookie: ConsoleCookie): string | undefined {
    return request.cookies[this.names[cookie]];
  }

  write(reply: FastifyReply, session: IssuedSession): void {
    const refreshSeconds = this.settings.refreshTokenDays * 86_400;
    void reply
      .setCookie(this.names.access, session.accessToken, {
        ...this.base(true, '/'),
        maxAge: this.settings.accessTokenMinutes * 60,
      })
      .setCookie(this.names.refresh, session.refreshToken, {
        ...this.base(true, REFRESH_COOKIE_PATH),
        maxAge: refreshSeconds,
      })
      .setCookie(this.names.csrf, session.csrfToken, {
        ...this.base(false, '/'),
        maxAge: refreshSeconds,
      });
  }

  clear(reply: FastifyReply): void {
    void reply
      .clearCookie(this.names.access, this.base(true, '/'))
      .clearCookie(this.names.refresh, this.base(true, REFRESH_COOKIE_PATH))
      .clearCookie(this.names.csrf, this.base(false, '/'));
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
