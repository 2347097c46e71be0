import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@dify/platform';
import type Redis from 'ioredis';
import { IDENTITY_KEY_PREFIX } from '../identity-keys.constants';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../identity.settings';

/**
 * Revoked console sessions. Access JWTs are stateless, so a revoked session would otherwise stay
 * usable until its JWT expires; each marker lives exactly as long as such a JWT can.
 */
@Injectable()
export class SessionRevocationStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  async revoke(sessionId: string): Promise<void> {
    await this.redis.set(
      `${IDENTITY_KEY_PREFIX.revokedSession}${sessionId}`,
      '1',
      'EX',
      this.settings.accessTokenMinutes * 60,
    );
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(`${IDENTITY_KEY_PREFIX.revokedSession}${sessionId}`)) === 1;
  }
}
