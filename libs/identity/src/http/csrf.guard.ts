import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IDENTITY_ERROR_CODES, IdentityError } from '../identity.errors';
import { CONSOLE_COOKIES } from './console-cookies';

export const CSRF_HEADER = 'x-csrf-token';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Whether the double-submitted CSRF values match, compared in constant time. */
export function csrfTokensMatch(cookie: string | undefined, header: unknown): boolean {
  if (!cookie || typeof header !== 'string' || header.length === 0) return false;
  // Digests have equal length, so timingSafeEqual never leaks the length of the secret either.
  return timingSafeEqual(digest(cookie), digest(header));
}

/**
 * CSRF double-submit: every state-changing console call must echo the `csrf_token` cookie in the
 * `X-CSRF-Token` header, which a page on another origin cannot read.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!csrfTokensMatch(request.cookies[CONSOLE_COOKIES.csrf], request.headers[CSRF_HEADER])) {
      throw new IdentityError(IDENTITY_ERROR_CODES.csrfMismatch, 'CSRF token missing or invalid');
    }
    return true;
  }
}
