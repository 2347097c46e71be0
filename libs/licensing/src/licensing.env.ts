import { env } from '@dify/platform';

/** Licence variables, for every process that evaluates or reads the licence status. */
export const licensingEnv = {
  LICENSE_KEY: env.str({
    description: 'Signed enterprise licence (compact JWS, EdDSA); empty for the community edition',
    default: '',
    secret: true,
  }),
  LICENSE_PUBLIC_KEY: env.str({
    description:
      'Ed25519 public key (PEM, newlines may be escaped as \\n) that verifies LICENSE_KEY',
    default: '',
  }),
  LICENSE_EXPIRING_DAYS: env.int({
    description: 'A licence this many days from its end reports expiring',
    default: 30,
    min: 0,
    max: 3650,
  }),
} as const;

export interface LicenseSettings {
  readonly licenseKey: string;
  readonly publicKeyPem: string;
  readonly expiringDays: number;
}
