import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { isDependencyOutage } from '@dify/platform';
import { IDENTITY_ERROR_CODES, IdentityError } from '../identity.errors';
import type { ConsoleIdentity } from '../sessions/console-identity';
import { CONSOLE_JWT_STRATEGY } from './console-jwt.strategy';

/**
 * Requires a signed-in console user. Missing, tampered, expired and revoked sessions all get the
 * same 401 `no_session`, so the answer says nothing about which check failed. A session that
 * cannot be checked because Postgres or Redis is down is not a missing one: that error goes on
 * to the envelope filter (503), so a page does not send a signed-in person back to sign in.
 */
@Injectable()
export class ConsoleSessionGuard extends AuthGuard(CONSOLE_JWT_STRATEGY) {
  override handleRequest<T = ConsoleIdentity>(error: unknown, identity: T | false): T {
    if (error instanceof Error && isDependencyOutage(error)) throw error;
    if (error || !identity) {
      throw new IdentityError(IDENTITY_ERROR_CODES.noSession, 'Sign in to continue');
    }
    return identity;
  }
}
