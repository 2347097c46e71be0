import { consoleCookieNames, type ConsoleCookieNames } from '@dify/domain';
import { env } from '@dify/platform';

/** Console sign-in variables (docs/console.md, "Settings"). */
export const identityEnv = {
  ACCESS_TOKEN_EXPIRE_MINUTES: env.int({
    description: 'Lifetime of the console access cookie (JWT), in minutes',
    default: 60,
    min: 1,
    max: 1440,
  }),
  REFRESH_TOKEN_EXPIRE_DAYS: env.int({
    description: 'Lifetime of a console refresh token, in days',
    default: 30,
    min: 1,
    max: 365,
  }),
  ALLOW_REGISTER: env.bool({
    description: 'Whether anyone may create an account through POST /console/api/register',
    default: false,
  }),
  COOKIE_DOMAIN: env.str({
    description: 'Domain attribute of every cookie; empty for host-only cookies',
    default: '',
  }),
  LOGIN_FAILURES_PER_EMAIL: env.int({
    description: 'Failed sign-ins per email within the lockout window before it locks',
    default: 5,
    min: 1,
  }),
  LOGIN_FAILURES_PER_IP: env.int({
    description: 'Failed sign-ins per client IP within the lockout window before it locks',
    default: 20,
    min: 1,
  }),
  LOGIN_LOCKOUT_SECONDS: env.int({
    description: 'Sliding window of the sign-in lockout, in seconds',
    default: 900,
    min: 1,
    max: 86_400,
  }),
} as const;

export interface IdentitySettings {
  readonly secretKey: string;
  readonly accessTokenMinutes: number;
  readonly refreshTokenDays: number;
  readonly allowRegister: boolean;
  readonly loginFailuresPerEmail: number;
  readonly loginFailuresPerIp: number;
  readonly loginLockoutSeconds: number;
  readonly cookies: CookieSettings;
}

export interface CookieSettings {
  /** Secure cookies once the public URLs are https. */
  readonly secure: boolean;
  readonly domain?: string;
  /** The names the deployment gives the session cookies (`__Host-` on https, see consoleCookieNames). */
  readonly names: ConsoleCookieNames;
}

/** Injection token of the identity settings. */
export const IDENTITY_SETTINGS = Symbol('IDENTITY_SETTINGS');

/** The env values identity settings are made from (identityEnv plus the shared secret and URLs). */
export interface IdentityEnvValues {
  readonly SECRET_KEY: string;
  readonly CONSOLE_API_URL: string;
  readonly CONSOLE_WEB_URL: string;
  readonly ACCESS_TOKEN_EXPIRE_MINUTES: number;
  readonly REFRESH_TOKEN_EXPIRE_DAYS: number;
  readonly ALLOW_REGISTER: boolean;
  readonly COOKIE_DOMAIN: string;
  readonly LOGIN_FAILURES_PER_EMAIL: number;
  readonly LOGIN_FAILURES_PER_IP: number;
  readonly LOGIN_LOCKOUT_SECONDS: number;
}

export function identitySettingsFrom(values: IdentityEnvValues): IdentitySettings {
  const https = (url: string): boolean => url.trim().toLowerCase().startsWith('https:');
  return {
    secretKey: values.SECRET_KEY,
    accessTokenMinutes: values.ACCESS_TOKEN_EXPIRE_MINUTES,
    refreshTokenDays: values.REFRESH_TOKEN_EXPIRE_DAYS,
    allowRegister: values.ALLOW_REGISTER,
    loginFailuresPerEmail: values.LOGIN_FAILURES_PER_EMAIL,
    loginFailuresPerIp: values.LOGIN_FAILURES_PER_IP,
    loginLockoutSeconds: values.LOGIN_LOCKOUT_SECONDS,
    cookies: cookieSettings(
      // The cookies are set by the API origin and read by pages on the web origin.
      https(values.CONSOLE_API_URL) || https(values.CONSOLE_WEB_URL),
      values.COOKIE_DOMAIN,
    ),
  };
}

function cookieSettings(secure: boolean, domain: string): CookieSettings {
  const scope = { secure, ...(domain ? { domain } : {}) };
  return { ...scope, names: consoleCookieNames(scope) };
}
