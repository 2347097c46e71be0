import { csrfTokensMatch } from './csrf.guard';

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
