import {
  allowsBearerApi,
  allowsEnterpriseFeatures,
  LicenseStatus,
  parseLicenseStatus,
} from './license-status.rules';

const JUNK: unknown[] = [
  'grace',
  'ACTIVE',
  'Active',
  ' active',
  'active ',
  '',
  'toString',
  '__proto__',
  'constructor',
  null,
  undefined,
  0,
  1,
  true,
  false,
  {},
  { status: 'active' },
  ['active'],
  new String('active'),
];

describe('LicenseStatus', () => {
  it('has exactly the six documented statuses', () => {
    expect(Object.values(LicenseStatus)).toEqual([
      'none',
      'inactive',
      'active',
      'expiring',
      'expired',
      'lost',
    ]);
  });
});

describe('parseLicenseStatus', () => {
  it.each(Object.values(LicenseStatus))('returns %p for itself', (status) => {
    expect(parseLicenseStatus(status)).toBe(status);
  });

  it.each(JUNK)('returns null for %p', (value) => {
    expect(parseLicenseStatus(value)).toBeNull();
  });
});

describe('allowsEnterpriseFeatures', () => {
  it.each([
    ['none', false],
    ['inactive', false],
    ['active', true],
    ['expiring', true],
    ['expired', false],
    ['lost', false],
  ])('answers %p with %p', (status, allowed) => {
    expect(allowsEnterpriseFeatures(status)).toBe(allowed);
  });

  it.each(JUNK)('denies %p', (value) => {
    expect(allowsEnterpriseFeatures(value)).toBe(false);
  });
});

describe('allowsBearerApi', () => {
  it.each([
    ['none', true],
    ['inactive', false],
    ['active', true],
    ['expiring', true],
    ['expired', false],
    ['lost', false],
  ])('answers %p with %p', (status, allowed) => {
    expect(allowsBearerApi(status)).toBe(allowed);
  });

  it.each(JUNK)('denies %p', (value) => {
    expect(allowsBearerApi(value)).toBe(false);
  });
});
