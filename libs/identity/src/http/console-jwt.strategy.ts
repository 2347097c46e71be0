import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-jwt';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../identity.settings';
import type { ConsoleAccessClaims, ConsoleIdentity } from '../sessions/console-identity';
import { consoleJwtKey } from '../sessions/console-jwt-key';
import { accessClaimsOf, ConsoleSessionService } from '../sessions/console-session.service';
import { ConsoleCookies } from './console-cookies';

export const CONSOLE_JWT_STRATEGY = 'console-jwt';

/**
 * Verifies the console access cookie (HS256 with SECRET_KEY, an expiry required and enforced)
 * and checks that its session was issued, was not revoked, and its account is still active.
 */
@Injectable()
export class ConsoleJwtStrategy extends PassportStrategy(Strategy, CONSOLE_JWT_STRATEGY) {
  constructor(
    @Inject(IDENTITY_SETTINGS) settings: IdentitySettings,
    private readonly sessions: ConsoleSessionService,
    cookies: ConsoleCookies,
  ) {
    super({
      jwtFromRequest: (request: FastifyRequest) => cookies.read(request, 'access') ?? null,
      // passport-jwt hands the key to jsonwebtoken as it is, and jsonwebtoken takes a KeyObject;
      // only passport-jwt's typings are narrower than that.
      secretOrKey: consoleJwtKey(settings.secretKey) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(claims: Partial<ConsoleAccessClaims>): Promise<ConsoleIdentity | false> {
    const verified = accessClaimsOf(claims);
    if (!verified) return false;
    return (await this.sessions.authenticate(verified)) ?? false;
  }
}
