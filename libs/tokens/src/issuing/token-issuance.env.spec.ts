import { EnvValidationError, loadEnv } from '@dify/platform';
import { tokenIssuanceEnv, tokenIssuanceSettingsFrom } from './token-issuance.env';

function problemsOf(value: string): string[] {
  try {
    loadEnv(tokenIssuanceEnv, { OAUTH_TTL_DAYS: value });
  } catch (error) {
    if (error instanceof EnvValidationError) return error.problems.map((p) => p.problem);
    throw error;
  }
  return [];
}

describe('tokenIssuanceEnv', () => {
  it('defaults OAUTH_TTL_DAYS to 14', () => {
    const values = loadEnv(tokenIssuanceEnv, {});
    expect(tokenIssuanceSettingsFrom(values)).toEqual({ ttlDays: 14 });
  });

  it.each(['1', '365', '30'])('accepts %s days', (value) => {
    expect(loadEnv(tokenIssuanceEnv, { OAUTH_TTL_DAYS: value }).OAUTH_TTL_DAYS).toBe(Number(value));
  });

  it.each([
    ['0', 'at least 1'],
    ['366', 'at most 365'],
    ['1.5', 'integer'],
    ['two weeks', 'integer'],
  ])('refuses %p rather than clamping it', (value, problem) => {
    expect(problemsOf(value)).toEqual([expect.stringContaining(problem)]);
  });
});
