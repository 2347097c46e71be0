import { Inject, Injectable } from '@nestjs/common';
import { RateLimiter, rateLimitKey } from '@dify/platform';
import { IDENTITY_ERROR_CODES, IdentityError } from '../identity.errors';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../identity.settings';

/**
 * Console sign-in lockout: failed attempts are counted per email (guessing one account's
 * password) and per client IP (spraying many accounts). Past either limit, sign-in answers 429
 * until the window slides, whatever the password.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  async assertNotLocked(email: string, ip: string): Promise<void> {
    const window = this.settings.loginLockoutSeconds;
    const [byEmail, byIp] = await Promise.all([
      this.limiter.check(
        rateLimitKey.loginFailureByEmail(email),
        this.settings.loginFailuresPerEmail,
        window,
      ),
      this.limiter.check(
        rateLimitKey.loginFailureByIp(ip),
        this.settings.loginFailuresPerIp,
        window,
      ),
    ]);
    const locked = [byEmail, byIp].filter((decision) => !decision.allowed);
    if (locked.length > 0) {
      throw new IdentityError(
        IDENTITY_ERROR_CODES.loginLocked,
        'Too many failed sign-in attempts; try again later',
        undefined,
        Math.max(...locked.map((decision) => decision.retryAfterSeconds)),
      );
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const window = this.settings.loginLockoutSeconds;
    await Promise.all([
      this.limiter.record(rateLimitKey.loginFailureByEmail(email), window),
      this.limiter.record(rateLimitKey.loginFailureByIp(ip), window),
    ]);
  }

  /** A successful sign-in forgives the account's earlier failures (not the IP's). */
  async clearEmail(email: string): Promise<void> {
    await this.limiter.reset(rateLimitKey.loginFailureByEmail(email));
  }
}
