import { passwordProblems } from './password.policy';

describe('passwordProblems', () => {
  it('accepts 8+ characters with a letter and a digit', () => {
    expect(passwordProblems('abcdefg1')).toEqual([]);
    expect(passwordProblems('pässwörd9')).toEqual([]);
  });

  it.each([
    ['abc1', 'must be at least 8 characters'],
    ['abcdefgh', 'must contain a digit'],
    ['12345678', 'must contain a letter'],
    [`a1${'x'.repeat(127)}`, 'must be at most 128 characters'],
  ])('refuses %s', (password, problem) => {
    expect(passwordProblems(password)).toContain(problem);
  });
});
