import { DomainError } from '../errors/domain.error';
import { enforceMintPolicy } from './mint.policy';
import type { MintRequest } from './mint.policy';
import { MintPolicyViolation } from './mint-policy-violation.error';
import type { MintPolicyDifference } from './mint-policy-violation.error';

const ACCOUNT_ID = '0190a6d3-8c2e-7a1b-9f00-0123456789ab';
const IDP = 'https://idp.example.com/realms/acme';

const accountRequest: MintRequest = {
  prefix: 'dfoa_',
  subjectType: 'account',
  subjectIssuer: 'dify:account',
  accountId: ACCOUNT_ID,
  scopes: ['full'],
};

const ssoRequest: MintRequest = {
  prefix: 'dfoe_',
  subjectType: 'external_sso',
  subjectIssuer: IDP,
  accountId: null,
  scopes: ['apps:run', 'apps:read:permitted-external'],
};

function violationOf(request: MintRequest): MintPolicyViolation {
  try {
    enforceMintPolicy(request);
  } catch (error: unknown) {
    if (error instanceof MintPolicyViolation) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a MintPolicyViolation');
}

function fieldsOf(request: MintRequest): MintPolicyDifference['field'][] {
  return violationOf(request).differences.map((d) => d.field);
}

describe('enforceMintPolicy: dfoa_', () => {
  it('permits an account mint and stores the sentinel issuer', () => {
    expect(enforceMintPolicy(accountRequest)).toEqual({
      prefix: 'dfoa_',
      subjectType: 'account',
      subjectIssuer: 'dify:account',
      accountId: ACCOUNT_ID,
      scopes: ['full'],
    });
  });

  it.each([undefined, null])(
    'resolves an absent issuer (%p) to the sentinel, never NULL',
    (subjectIssuer) => {
      expect(enforceMintPolicy({ ...accountRequest, subjectIssuer }).subjectIssuer).toBe(
        'dify:account',
      );
    },
  );

  it.each([IDP, '', ' dify:account', 'DIFY:ACCOUNT'])('refuses the issuer %p', (subjectIssuer) => {
    expect(fieldsOf({ ...accountRequest, subjectIssuer })).toEqual(['issuer']);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['not a UUID', 'account-1'],
    ['upper-case', ACCOUNT_ID.toUpperCase()],
  ])('refuses an account_id that is %s', (_label, accountId) => {
    expect(fieldsOf({ ...accountRequest, accountId })).toEqual(['binding']);
  });

  it('refuses the external subject type', () => {
    expect(fieldsOf({ ...accountRequest, subjectType: 'external_sso' })).toEqual(['subject_type']);
  });

  it.each([
    ['the SSO scopes', ['apps:run', 'apps:read:permitted-external']],
    ['no scopes', []],
    ['an extra scope', ['full', 'apps:run']],
    ['a duplicate', ['full', 'full']],
    ['an unknown scope', ['FULL']],
  ])('refuses %s', (_label, scopes) => {
    expect(fieldsOf({ ...accountRequest, scopes })).toEqual(['scopes']);
  });
});

describe('enforceMintPolicy: dfoe_', () => {
  it('permits an SSO mint, keeping the IdP issuer and no account', () => {
    expect(enforceMintPolicy(ssoRequest)).toEqual({
      prefix: 'dfoe_',
      subjectType: 'external_sso',
      subjectIssuer: IDP,
      accountId: null,
      scopes: ['apps:run', 'apps:read:permitted-external'],
    });
  });

  it('accepts the scopes in any order and an absent account_id', () => {
    const permit = enforceMintPolicy({
      ...ssoRequest,
      accountId: undefined,
      scopes: ['apps:read:permitted-external', 'apps:run'],
    });
    expect(permit.accountId).toBeNull();
    expect(permit.scopes).toEqual(['apps:run', 'apps:read:permitted-external']);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['a space', ' '],
    ['whitespace only', '\t\n  \u00a0'],
  ])('refuses an issuer that is %s', (_label, subjectIssuer) => {
    const violation = violationOf({ ...ssoRequest, subjectIssuer });
    expect(violation.differences.map((d) => d.field)).toEqual(['issuer']);
    expect(violation.differences[0].reason).toContain('non-blank');
  });

  it('accepts an issuer of 255 characters and refuses 256', () => {
    const at255 = `https://${'a'.repeat(247)}`;
    expect(at255).toHaveLength(255);
    expect(enforceMintPolicy({ ...ssoRequest, subjectIssuer: at255 }).subjectIssuer).toBe(at255);

    const violation = violationOf({ ...ssoRequest, subjectIssuer: `${at255}a` });
    expect(violation.differences.map((d) => d.field)).toEqual(['issuer']);
    expect(violation.differences[0].reason).toContain('at most 255');
  });

  it('refuses the account sentinel as an IdP issuer', () => {
    expect(fieldsOf({ ...ssoRequest, subjectIssuer: 'dify:account' })).toEqual(['issuer']);
  });

  it('stores the issuer exactly as given', () => {
    expect(
      enforceMintPolicy({ ...ssoRequest, subjectIssuer: 'https://idp.example.com/' }).subjectIssuer,
    ).toBe('https://idp.example.com/');
  });

  it('refuses an account binding', () => {
    expect(fieldsOf({ ...ssoRequest, accountId: ACCOUNT_ID })).toEqual(['binding']);
    expect(fieldsOf({ ...ssoRequest, accountId: '' })).toEqual(['binding']);
  });

  it('refuses the account subject type', () => {
    expect(fieldsOf({ ...ssoRequest, subjectType: 'account' })).toEqual(['subject_type']);
  });

  it.each([
    ['full', ['full']],
    ['only apps:run', ['apps:run']],
    ['an extra scope', ['apps:run', 'apps:read:permitted-external', 'apps:read']],
    ['a duplicate instead of a scope', ['apps:run', 'apps:run']],
  ])('refuses %s', (_label, scopes) => {
    expect(fieldsOf({ ...ssoRequest, scopes })).toEqual(['scopes']);
  });
});

describe('enforceMintPolicy: other prefixes', () => {
  it.each(['dfp_', 'app-', '', 'DFOA_', 'dfoa', 'dfoa_ ', 'dfoe'])(
    'refuses the prefix %p',
    (prefix) => {
      expect(fieldsOf({ ...accountRequest, prefix })).toEqual(['prefix']);
    },
  );

  it('never echoes the refused prefix value, which could be a misplaced token', () => {
    const violation = violationOf({ ...accountRequest, prefix: 'dfoa_secretsecretsecret' });
    expect(violation.message).not.toContain('secret');
    expect(JSON.stringify(violation.details)).not.toContain('secret');
  });
});

describe('MintPolicyViolation', () => {
  it('names every difference at once', () => {
    const violation = violationOf({
      prefix: 'dfoa_',
      subjectType: 'external_sso',
      subjectIssuer: IDP,
      accountId: null,
      scopes: ['apps:run'],
    });

    expect(violation.differences.map((d) => d.field)).toEqual([
      'subject_type',
      'scopes',
      'issuer',
      'binding',
    ]);
    for (const field of ['subject_type', 'scopes', 'issuer', 'binding']) {
      expect(violation.message).toContain(field);
    }
    expect(violation.details).toEqual({ differences: violation.differences });
  });

  it('names every difference of a dfoe_ request built like an account one', () => {
    expect(fieldsOf({ ...accountRequest, prefix: 'dfoe_', subjectIssuer: ' ' })).toEqual([
      'subject_type',
      'scopes',
      'issuer',
      'binding',
    ]);
  });

  it('is a DomainError with code mint_policy_violation', () => {
    const violation = violationOf({ ...accountRequest, scopes: [] });

    expect(violation).toBeInstanceOf(DomainError);
    expect(violation.code).toBe('mint_policy_violation');
    expect(violation.name).toBe('MintPolicyViolation');
  });

  it('shortens long values it echoes', () => {
    const violation = violationOf({
      ...accountRequest,
      subjectIssuer: `https://${'x'.repeat(5_000)}`,
    });
    expect(violation.message.length).toBeLessThan(300);
  });
});
