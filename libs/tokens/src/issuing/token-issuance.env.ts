import { env } from '@dify/platform';

/** Token variables (docs/tokens.md, "Settings"), for the process that mints device-flow tokens (auth). */
export const tokenIssuanceEnv = {
  OAUTH_TTL_DAYS: env.int({
    description: 'Lifetime of device-flow tokens minted from now on, in days',
    default: 14,
    min: 1,
    max: 365,
  }),
} as const;

export interface TokenIssuanceSettings {
  /** Lifetime of a token from its issue (or rotation); rows minted earlier keep their expiry. */
  readonly ttlDays: number;
}

export function tokenIssuanceSettingsFrom(values: {
  readonly OAUTH_TTL_DAYS: number;
}): TokenIssuanceSettings {
  return Object.freeze({ ttlDays: values.OAUTH_TTL_DAYS });
}
