import { normalizeUserCode, USER_CODE_ALPHABET as SERVER_ALPHABET } from '@dify/domain';
import {
  caretAfter,
  codeCharactersBefore,
  formatTypedCode,
  isValidUserCode,
  normaliseUserCode,
  USER_CODE_ALPHABET,
} from './user-code';

describe('user codes on the page', () => {
  it('uses the alphabet the server draws codes from', () => {
    expect(USER_CODE_ALPHABET).toBe(SERVER_ALPHABET);
  });

  it.each([
    ['a', 'A'],
    ['abcd', 'ABCD'],
    ['abcde', 'ABCD-E'],
    ['abcd efgh', 'ABCD-EFGH'],
    ['ABCD—EFGH', 'ABCD-EFGH'],
    [' ab-cd-ef-gh ', 'ABCD-EFGH'],
    ['abcdefghjk', 'ABCD-EFGH'],
    ['i o z 0 1 2', ''],
    ['ＡＢＣＤ３４５６', 'ABCD-3456'],
  ])('formats %j as typed into %j', (typed, shown) => {
    expect(formatTypedCode(typed)).toBe(shown);
  });

  it('accepts exactly two groups of four alphabet characters', () => {
    expect(isValidUserCode('ABCD-EFGH')).toBe(true);
    expect(isValidUserCode('ABCD-EFG')).toBe(false);
    expect(isValidUserCode('ABCDEFGH')).toBe(false);
    expect(isValidUserCode('ABCD-EFG0')).toBe(false);
  });

  it.each(['abcd efgh', 'ABCDEFGH', 'ab-cd-ef-gh', '\u202eABCD-EFGH\u202c', 'ABCD-EFGHJ', '', 'x'])(
    'normalises %j from a URL the way the server does',
    (input) => {
      expect(normaliseUserCode(input)).toBe(normalizeUserCode(input));
    },
  );

  it('refuses a very long value without looking at it', () => {
    expect(normaliseUserCode(`ABCD-EFGH${' '.repeat(10_000)}`)).toBeNull();
  });

  it('keeps the caret after the characters typed before it', () => {
    expect(codeCharactersBefore('abcde', 5)).toBe(5);
    expect(caretAfter('ABCD-E', 5)).toBe(6);
    expect(caretAfter('ABCD', 4)).toBe(4);
    expect(caretAfter('ABCD-EF', 2)).toBe(2);
  });
});
