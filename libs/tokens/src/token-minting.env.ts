import { env } from '@dify/platform';

/** Token variables (contract §2), for every process that mints device-flow tokens. */
export const tokenMintingEnv = {
  OAUTH_TTL_DAYS: env.int({
    description: 'Lifetime of device-flow tokens minted from now on, in days',
    default: 14,
    min: 1,
    max: 365,
  }),
} as const;

export interface TokenMintingSettings {
  /** Lifetime of a token from its issue (or rotation); rows minted earlier keep their expiry. */
  readonly ttlDays: number;
}

/** The env default, for processes that import the module but never mint (the worker). */
export const DEFAULT_TOKEN_MINTING_SETTINGS: TokenMintingSettings = Object.freeze({ ttlDays: 14 });

export function tokenMintingSettingsFrom(values: {
  readonly OAUTH_TTL_DAYS: number;
}): TokenMintingSettings {
  return Object.freeze({ ttlDays: values.OAUTH_TTL_DAYS });
}
