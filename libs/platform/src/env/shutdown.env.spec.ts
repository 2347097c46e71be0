import { EnvValidationError, loadEnv } from './load-env';
import { shutdownEnv } from './shutdown.env';

describe('SHUTDOWN_GRACE_SECONDS', () => {
  it('defaults to 5 seconds', () => {
    expect(loadEnv(shutdownEnv, {}).SHUTDOWN_GRACE_SECONDS).toBe(5);
  });

  it('accepts 0 (no grace period)', () => {
    expect(loadEnv(shutdownEnv, { SHUTDOWN_GRACE_SECONDS: '0' }).SHUTDOWN_GRACE_SECONDS).toBe(0);
  });

  it.each(['-1', '121', 'soon', '2.5'])('refuses %s', (value) => {
    expect(() => loadEnv(shutdownEnv, { SHUTDOWN_GRACE_SECONDS: value })).toThrow(
      EnvValidationError,
    );
  });
});
