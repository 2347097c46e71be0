import { loadEnv } from '@dify/platform';
import { readmeEnvMismatches } from '@dify/testing';
import { authEnvSchema } from './auth.env';

describe('auth env', () => {
  it('is documented in the README with its real defaults', () => {
    expect(readmeEnvMismatches(authEnvSchema)).toEqual([]);
  });

  const required = { SECRET_KEY: 'k'.repeat(32) };

  it('serves health and metrics on loopback :5006 by default, not on the public port', () => {
    const config = loadEnv(authEnvSchema, required);
    expect(config.AUTH_OPS_PORT).toBe(5006);
    expect(config.OPS_HOST).toBe('127.0.0.1');
    expect(config.HEALTH_ON_MAIN_PORT).toBe(false);
    const asked = loadEnv(authEnvSchema, {
      ...required,
      AUTH_OPS_PORT: '9100',
      OPS_HOST: '0.0.0.0',
      HEALTH_ON_MAIN_PORT: 'true',
    });
    expect([asked.AUTH_OPS_PORT, asked.OPS_HOST, asked.HEALTH_ON_MAIN_PORT]).toEqual([
      9100,
      '0.0.0.0',
      true,
    ]);
  });

  it.each(['metrics', '70000', '-1', '5.5'])('refuses AUTH_OPS_PORT=%s at boot', (value) => {
    expect(() => loadEnv(authEnvSchema, { ...required, AUTH_OPS_PORT: value })).toThrow(
      new RegExp(`^Invalid environment:\\n  - AUTH_OPS_PORT: [^\\n]+$`),
    );
  });

  it('refuses a HEALTH_ON_MAIN_PORT that is not a yes or no', () => {
    expect(() => loadEnv(authEnvSchema, { ...required, HEALTH_ON_MAIN_PORT: 'sometimes' })).toThrow(
      /HEALTH_ON_MAIN_PORT: must be true or false/,
    );
  });
});
