import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../identity.settings';

/** Keeps CSRF values apart from anything else ever keyed with SECRET_KEY and a session id. */
const CSRF_CONTEXT = 'console-csrf\u0000';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Whether two CSRF values match, compared in constant time. */
export function csrfTokensMatch(cookie: string | undefined, header: unknown): boolean {
  if (!cookie || typeof header !== 'string' || header.length === 0) return false;
  // Digests have equal length, so timingSafeEqual never leaks the length of the secret either.
  return timingSafeEqual(digest(cookie), digest(header));
}

/**
 * The CSRF value of a console session: an HMAC of its session id under SECRET_KEY. Bound to the
 * session, so a value learnt from (or planted by) another session never passes for this one, and
 * stable across refreshes, so tabs that rotated the cookies under each other stay valid.
 */
@Injectable()
export class CsrfTokens {
  constructor(@Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings) {}

  forSession(sessionId: string): string {
    return createHmac('sha256', this.settings.secretKey)
      .update(CSRF_CONTEXT + sessionId)
      .digest('base64url');
  }

  /** The cookie and the header both carry this session's value (double submit, bound). */
  matches(sessionId: string, cookie: string | undefined, header: unknown): boolean {
    const expected = this.forSession(sessionId);
    return csrfTokensMatch(cookie, header) && csrfTokensMatch(expected, header);
  }
}
