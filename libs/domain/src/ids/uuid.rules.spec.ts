import { isUuid } from './uuid.rules';

describe('isUuid', () => {
  it.each([
    '0190a6d3-8c2e-7a1b-9f00-0123456789ab',
    '00000000-0000-0000-0000-000000000000',
    'f47ac10b-58cc-4372-a567-0e02b2c3d479',
  ])('accepts the lower-case UUID %s', (value) => {
    expect(isUuid(value)).toBe(true);
  });

  it.each([
    ['upper-case', 'F47AC10B-58CC-4372-A567-0E02B2C3D479'],
    ['mixed case', 'f47ac10b-58cc-4372-A567-0e02b2c3d479'],
    ['no hyphens', 'f47ac10b58cc4372a5670e02b2c3d479'],
    ['braces', '{f47ac10b-58cc-4372-a567-0e02b2c3d479}'],
    ['urn prefix', 'urn:uuid:f47ac10b-58cc-4372-a567-0e02b2c3d479'],
    ['too short', 'f47ac10b-58cc-4372-a567-0e02b2c3d47'],
    ['too long', 'f47ac10b-58cc-4372-a567-0e02b2c3d4790'],
    ['non-hex', 'g47ac10b-58cc-4372-a567-0e02b2c3d479'],
    ['trailing newline', 'f47ac10b-58cc-4372-a567-0e02b2c3d479\n'],
    ['empty', ''],
  ])('refuses %s', (_label, value) => {
    expect(isUuid(value)).toBe(false);
  });

  it.each([null, undefined, 42, {}, ['f47ac10b-58cc-4372-a567-0e02b2c3d479']])(
    'refuses the non-string %p',
    (value) => {
      expect(isUuid(value)).toBe(false);
    },
  );
});
