import { bearerTokenOf } from './authorization-header';

const TOKEN = `dfoa_${'A'.repeat(43)}`;

describe('bearerTokenOf', () => {
  it('takes the value after the Bearer scheme, in any case, trimmed', () => {
    expect(bearerTokenOf(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerTokenOf(`bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerTokenOf(`BEARER ${TOKEN}`)).toBe(TOKEN);
    expect(bearerTokenOf(`BeArEr    ${TOKEN}  `)).toBe(TOKEN);
  });

  it('keeps whatever follows the first space, for resolution to reject', () => {
    expect(bearerTokenOf('Bearer dfp_x')).toBe('dfp_x');
    expect(bearerTokenOf('Bearer two words')).toBe('two words');
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the scheme alone', 'Bearer'],
    ['the scheme and blanks', 'Bearer    '],
    ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['a token without a scheme', TOKEN],
    ['a scheme that only starts like Bearer', `Bearerx ${TOKEN}`],
    ['a tab instead of a space', `Bearer\t${TOKEN}`],
    ['a leading space', ` Bearer ${TOKEN}`],
  ])('finds no token in %s', (_label, header) => {
    expect(bearerTokenOf(header)).toBeNull();
  });
});
