import { generateDeviceCode, generateTransitionId, isDeviceCodeShaped } from './device-code.rules';

describe('generateDeviceCode', () => {
  it('is dc_ followed by 43 base64url characters that decode to 32 bytes', () => {
    for (let i = 0; i < 200; i += 1) {
      const code = generateDeviceCode();
      expect(code).toMatch(/^dc_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(code.slice(3), 'base64url')).toHaveLength(32);
    }
  });

  it('does not repeat', () => {
    const codes = new Set(Array.from({ length: 1_000 }, () => generateDeviceCode()));
    expect(codes.size).toBe(1_000);
  });
});

describe('isDeviceCodeShaped', () => {
  it('accepts generated codes', () => {
    expect(isDeviceCodeShaped(generateDeviceCode())).toBe(true);
    expect(isDeviceCodeShaped(`dc_${'A'.repeat(21)}-_${'z'.repeat(20)}`)).toBe(true);
  });

  it.each([
    ['42 characters', `dc_${'A'.repeat(42)}`],
    ['44 characters', `dc_${'A'.repeat(44)}`],
    ['padding', `dc_${'A'.repeat(42)}=`],
    ['standard base64 characters', `dc_${'A'.repeat(42)}+`],
    ['another prefix', `dx_${'A'.repeat(43)}`],
    ['upper-case prefix', `DC_${'A'.repeat(43)}`],
    ['no prefix', 'A'.repeat(46)],
    ['trailing newline', `dc_${'A'.repeat(43)}\n`],
    ['a user code', 'ABCD-EFGH'],
    ['empty', ''],
  ])('refuses %s', (_label, value) => {
    expect(isDeviceCodeShaped(value)).toBe(false);
  });

  it.each([null, undefined, 1, { device_code: 'dc_' }])('refuses the non-string %p', (value) => {
    expect(isDeviceCodeShaped(value)).toBe(false);
  });
});

describe('generateTransitionId', () => {
  it('is base64url of 16 bytes and fresh each time', () => {
    const ids = Array.from({ length: 500 }, () => generateTransitionId());
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
