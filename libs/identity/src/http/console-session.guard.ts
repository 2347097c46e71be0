import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { IDENTITY_ERROR_CODES, IdentityError } from '../identity.errors';
import type { ConsoleIdentity } from '../sessions/console-identity';
import { CONSOLE_JWT_STRATEGY } from './console-jwt.strategy';

/**
 * Requires a signed-in console user. Missing, tampered, expired and revoked sessions all get the
 * same 401 `no_session`, so the answer says nothing about which check failed.
 */
@Injectable()
export class ConsoleSessionGuard extends AuthGuard(CONSOLE_JWT_STRATEGY) {
  override handleRequest<T = ConsoleIdentity>(error: unknown, identity: T | false): T {
    if (error || !identity) {
      throw new IdentityError(IDENTITY_ERROR_CODES.noSession, 'Sign in to continue');
    }
    return identity;
  }
}
