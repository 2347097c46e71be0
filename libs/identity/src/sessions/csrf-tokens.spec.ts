import type { IdentitySettings } from '../identity.settings';
import { CsrfTokens, csrfTokensMatch } from './csrf-tokens';

describe('csrfTokensMatch', () => {
  it('matches only an identical, non-empty header', () => {
    expect(csrfTokensMatch('token-1', 'token-1')).toBe(true);
    expect(csrfTokensMatch('token-1', 'token-2')).toBe(false);
    expect(csrfTokensMatch('token-1', 'token-1x')).toBe(false);
    expect(csrfTokensMatch('token-1', '')).toBe(false);
    expect(csrfTokensMatch('token-1', undefined)).toBe(false);
    expect(csrfTokensMatch('token-1', ['token-1'])).toBe(false);
    expect(csrfTokensMatch(undefined, 'token-1')).toBe(false);
    expect(csrfTokensMatch('', '')).toBe(false);
  });
});

describe('CsrfTokens', () => {
  const settings = { secretKey: 'csrf-tokens-secret-key-0123456789abcdef' } as IdentitySettings;
  const tokens = new CsrfTokens(settings);
  const session = '0190f5c2-7a3e-7c1a-9b2d-3c4d5e6f7a8b';
  const other = '0190f5c2-7a3e-7c1a-9b2d-3c4d5e6f7a8c';

  it('derives one value per session and accepts only that session’s pair', () => {
    const value = tokens.forSession(session);
    expect(tokens.forSession(session)).toBe(value);
    expect(tokens.forSession(other)).not.toBe(value);
    expect(tokens.matches(session, value, value)).toBe(true);
    const foreign = tokens.forSession(other);
    expect(tokens.matches(session, foreign, foreign)).toBe(false);
    expect(tokens.matches(session, foreign, value)).toBe(false);
    expect(tokens.matches(session, value, foreign)).toBe(false);
  });

  it('depends on SECRET_KEY', () => {
    const elsewhere = new CsrfTokens({
      ...settings,
      secretKey: 'another-secret-key-0123456789abcdef!',
    });
    expect(elsewhere.forSession(session)).not.toBe(tokens.forSession(session));
  });
});
