import { Inject, Injectable } from '@nestjs/common';
import { RateLimiter } from '@dify/platform';
import { identityRateLimitKey } from '../identity-keys.constants';
import { IDENTITY_ERROR_CODES, IdentityError } from '../identity.errors';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../identity.settings';

/**
 * One sign-in attempt, already counted against both buckets. A failure leaves it counted; a
 * success hands it back with `forgive`; an attempt that never reached a verdict (the database
 * was down) is taken back with `withdraw`.
 */
export interface LoginAttempt {
  readonly email: string;
  readonly emailKey: string;
  readonly emailMember: string | undefined;
  readonly ipKey: string;
  readonly ipMember: string | undefined;
}

/**
 * Console sign-in lockout: attempts are counted per email (guessing one account's password) and
 * per client IP (spraying many accounts). Each attempt takes its place in both buckets BEFORE the
 * password is verified, in one atomic script per bucket, so a parallel burst cannot all pass the
 * check before any failure is counted: at most the limit's worth of attempts reach the password
 * hash, the rest answer 429 until the window slides, whatever the password.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  /** Counts the attempt, or throws `login_locked` when either bucket is spent. */
  async begin(email: string, ip: string): Promise<LoginAttempt> {
    const window = this.settings.loginLockoutSeconds;
    const emailKey = identityRateLimitKey.loginFailureByEmail(email);
    const ipKey = identityRateLimitKey.loginFailureByIp(ip);
    const byEmail = await this.limiter.hit(emailKey, this.settings.loginFailuresPerEmail, window);
    if (!byEmail.allowed) throw locked(byEmail.retryAfterSeconds);
    const byIp = await this.limiter.hit(ipKey, this.settings.loginFailuresPerIp, window);
    if (!byIp.allowed) {
      // Refused without a password check: that is no attempt on the account.
      if (byEmail.member) await this.limiter.release(emailKey, byEmail.member);
      throw locked(byIp.retryAfterSeconds);
    }
    return { email, emailKey, emailMember: byEmail.member, ipKey, ipMember: byIp.member };
  }

  /**
   * A successful sign-in forgives the account's earlier failures (not the IP's) and takes its own
   * attempt back from the IP's bucket, so signing in often from one address never locks it.
   */
  async forgive(attempt: LoginAttempt): Promise<void> {
    await this.limiter.reset(identityRateLimitKey.loginFailureByEmail(attempt.email));
    if (attempt.ipMember) await this.limiter.release(attempt.ipKey, attempt.ipMember);
  }

  /**
   * An attempt whose password was never judged (the account could not be read) is no attempt:
   * an outage must not lock anyone out. Best effort, since Redis may be the part that is down.
   */
  async withdraw(attempt: LoginAttempt): Promise<void> {
    await Promise.allSettled([
      attempt.emailMember && this.limiter.release(attempt.emailKey, attempt.emailMember),
      attempt.ipMember && this.limiter.release(attempt.ipKey, attempt.ipMember),
    ]);
  }
}

function locked(retryAfterSeconds: number): IdentityError {
  return new IdentityError(
    IDENTITY_ERROR_CODES.loginLocked,
    'Too many failed sign-in attempts; try again later',
    undefined,
    retryAfterSeconds,
  );
}
