import { env } from './env-var';
import { EnvValidationError, loadEnv } from './load-env';
import { EXAMPLE_SECRET_KEY, secretKeyEnv } from './platform.env';

const schema = {
  PORT: env.port({ description: 'port', default: 5001 }),
  RETENTION_DAYS: env.int({ description: 'days', default: 30, min: 1, max: 365 }),
  ENABLED: env.bool({ description: 'flag', default: true }),
  DATABASE_URL: env.url({ description: 'db', protocols: ['postgres:'] }),
  QUEUES: env.list({ description: 'queues', default: 'a,b', allowed: ['a', 'b', 'c'] }),
  ...secretKeyEnv,
};

const validSecret = 'x'.repeat(32);

function problemsOf(source: Record<string, string>): string[] {
  try {
    loadEnv(schema, source);
  } catch (error) {
    if (error instanceof EnvValidationError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

describe('loadEnv', () => {
  it('applies defaults and parses types', () => {
    const config = loadEnv(schema, {
      DATABASE_URL: 'postgres://db/x',
      SECRET_KEY: validSecret,
      ENABLED: 'false',
      QUEUES: ' c , ,a ',
    });
    expect(config).toEqual({
      PORT: 5001,
      RETENTION_DAYS: 30,
      ENABLED: false,
      DATABASE_URL: 'postgres://db/x',
      QUEUES: ['c', 'a'],
      SECRET_KEY: validSecret,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every missing or invalid variable at once', () => {
    expect(
      problemsOf({ PORT: 'eighty', RETENTION_DAYS: '0', ENABLED: 'maybe', QUEUES: 'a,z' }),
    ).toEqual(['PORT', 'RETENTION_DAYS', 'ENABLED', 'DATABASE_URL', 'QUEUES', 'SECRET_KEY']);
  });

  it('refuses out-of-range values instead of clamping them', () => {
    expect(
      problemsOf({ DATABASE_URL: 'postgres://x', SECRET_KEY: validSecret, RETENTION_DAYS: '366' }),
    ).toEqual(['RETENTION_DAYS']);
  });

  it('refuses a URL with the wrong scheme', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://x', SECRET_KEY: validSecret })).toEqual([
      'DATABASE_URL',
    ]);
  });

  it('refuses a short secret and the example secret, without echoing either', () => {
    for (const secret of ['too-short', EXAMPLE_SECRET_KEY]) {
      try {
        loadEnv(schema, { DATABASE_URL: 'postgres://x', SECRET_KEY: secret });
        throw new Error('expected a validation error');
      } catch (error) {
        expect(error).toBeInstanceOf(EnvValidationError);
        expect((error as Error).message).toContain('SECRET_KEY');
        expect((error as Error).message).not.toContain(secret);
      }
    }
  });

  it('treats an empty value as unset', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://x', SECRET_KEY: validSecret, PORT: '' })).toEqual(
      [],
    );
  });
});
