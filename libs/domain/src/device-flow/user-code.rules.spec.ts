import {
  generateUserCode,
  isUserCode,
  normalizeUserCode,
  USER_CODE_ALPHABET,
} from './user-code.rules';

function scriptedRandom(draws: number[][]) {
  const queue = [...draws];
  return (size: number): Uint8Array => {
    const next = queue.shift();
    if (next === undefined) {
      throw new Error('random source exhausted');
    }
    // Slots the script leaves open hold 255, which the sampler always rejects.
    const bytes = new Uint8Array(size).fill(255);
    bytes.set(next.slice(0, size));
    return bytes;
  };
}

describe('USER_CODE_ALPHABET', () => {
  it('is the 30 documented characters, without look-alikes', () => {
    expect(USER_CODE_ALPHABET).toBe('ABCDEFGHJKLMNPQRSTUVWXY3456789');
    expect(new Set(USER_CODE_ALPHABET).size).toBe(30);
    for (const excluded of ['I', 'O', 'Z', '0', '1', '2']) {
      expect(USER_CODE_ALPHABET).not.toContain(excluded);
    }
  });
});

describe('normalizeUserCode', () => {
  it.each([
    ['abcd efgh', 'ABCD-EFGH'],
    ['ABCD—EFGH', 'ABCD-EFGH'],
    [' abcdefgh ', 'ABCD-EFGH'],
    ['ABCD-EFGH', 'ABCD-EFGH'],
    ['abcd-efgh', 'ABCD-EFGH'],
    ['ＡＢＣＤ－ＥＦＧＨ', 'ABCD-EFGH'],
    ['ａｂｃｄｅｆｇｈ', 'ABCD-EFGH'],
    ['ＷＸＹ３　４５６７', 'WXY3-4567'],
    ['\tab\ncd-ef\rgh\u00a0', 'ABCD-EFGH'],
    ['a.b.c.d_e/f\\g"h', 'ABCD-EFGH'],
    ['ⒶⒷⒸⒹ-ⒺⒻⒼⒽ', 'ABCD-EFGH'],
    ['ABCD-EFGH1', 'ABCD-EFGH'],
    ['A0B1C2D-EFGHZ', 'ABCD-EFGH'],
    ['3456-789A', '3456-789A'],
  ])('normalises %p to %p', (input, expected) => {
    expect(normalizeUserCode(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['only separators', ' - — '],
    ['seven characters', 'ABCD-EFG'],
    ['nine characters', 'ABCD-EFGHJ'],
    ['excluded letters leave too few', 'ABCI-DEFO'],
    ['only excluded characters', 'IIOO-0122'],
    ['two codes glued together', 'ABCD-EFGH ABCD-EFGH'],
    ['a device code', 'dc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('is not a code when %s', (_label, input) => {
    expect(normalizeUserCode(input)).toBeNull();
  });

  it('is idempotent on what it produces', () => {
    for (let i = 0; i < 100; i += 1) {
      const code = generateUserCode();
      expect(normalizeUserCode(code)).toBe(code);
      expect(normalizeUserCode(code.toLowerCase().replace('-', ' '))).toBe(code);
    }
  });
});

describe('isUserCode', () => {
  it('accepts only normalised codes', () => {
    expect(isUserCode('ABCD-EFGH')).toBe(true);
    expect(isUserCode('WXY3-4567')).toBe(true);
  });

  it.each([
    'abcd-efgh',
    'ABCDEFGH',
    'ABCD-EFGI',
    'ABCD-EFG0',
    'ABCD--EFGH',
    ' ABCD-EFGH',
    'ABCD-EFGH\n',
    '',
  ])('refuses %p', (value) => {
    expect(isUserCode(value)).toBe(false);
  });

  it.each([null, undefined, 12345678, ['ABCD-EFGH']])('refuses the non-string %p', (value) => {
    expect(isUserCode(value)).toBe(false);
  });
});

describe('generateUserCode', () => {
  it('yields XXXX-XXXX over the alphabet', () => {
    for (let i = 0; i < 1_000; i += 1) {
      expect(isUserCode(generateUserCode())).toBe(true);
    }
  });

  it('redraws bytes of 240 and above instead of folding them onto the alphabet', () => {
    const highBytes = Array.from({ length: 16 }, (_, i) => 240 + i);
    const random = scriptedRandom([highBytes, [0, 29, 30, 59, 239, 255, 1, 2, 3, 4]]);

    expect(generateUserCode(random)).toBe('A9A9-9BCD');
  });

  it('keeps drawing until eight characters are accepted', () => {
    const random = scriptedRandom([
      [5, 250, 6],
      [7, 8, 9, 10, 11, 12, 13],
    ]);

    expect(generateUserCode(random)).toBe('FGHJ-KLMN');
  });

  it('draws each character about equally often (chi-square sanity check)', () => {
    const counts = new Map<string, number>([...USER_CODE_ALPHABET].map((c) => [c, 0]));
    const codes = 10_000;
    for (let i = 0; i < codes; i += 1) {
      for (const char of generateUserCode().replace('-', '')) {
        counts.set(char, (counts.get(char) ?? 0) + 1);
      }
    }
    const expected = (codes * 8) / USER_CODE_ALPHABET.length;
    let chiSquare = 0;
    for (const count of counts.values()) {
      chiSquare += (count - expected) ** 2 / expected;
    }

    expect(counts.size).toBe(30);
    // 29 degrees of freedom: P(chi² > 80) is about 1e-6 for a uniform source, while the
    // modulo bias of an unrejected byte (first 16 characters 9/8 as likely) scores in the hundreds.
    expect(chiSquare).toBeLessThan(80);
  });
});
