import { accountPayload, defaultWorkspaceOf, tokenResponseFrom } from './device-token.payload';
import type { DeviceApprover } from './device-token.payload';

const approver: DeviceApprover = {
  accountId: '0190a000-0000-7000-8000-000000000001',
  email: 'ada@example.com',
  name: 'Ada',
  memberships: [
    { id: 'w-old', name: 'Oldest', role: 'owner', current: false },
    { id: 'w-cur', name: 'Current', role: 'editor', current: true },
  ],
};

describe('accountPayload', () => {
  it('holds exactly the stored fields of the account branch', () => {
    const payload = accountPayload({
      token: 'dfoa_x',
      tokenId: 'row-id',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
      email: 'ada@example.com',
      approver,
    });
    expect(payload).toEqual({
      token: 'dfoa_x',
      scope: 'full',
      expires_at: '2030-01-01T00:00:00.000Z',
      subject_type: 'account',
      account: { id: approver.accountId, email: 'ada@example.com', name: 'Ada' },
      workspaces: [
        { id: 'w-old', name: 'Oldest', role: 'owner' },
        { id: 'w-cur', name: 'Current', role: 'editor' },
      ],
      default_workspace_id: 'w-cur',
      token_id: 'row-id',
    });
    // The response-time fields are never stored: the plaintext lives in Redis once.
    expect(payload).not.toHaveProperty('access_token');
    expect(payload).not.toHaveProperty('expires_in');
  });
});

describe('defaultWorkspaceOf', () => {
  it('prefers the current membership, then the oldest, then none', () => {
    expect(defaultWorkspaceOf(approver)).toBe('w-cur');
    expect(
      defaultWorkspaceOf({
        ...approver,
        memberships: approver.memberships.map((m) => ({ ...m, current: false })),
      }),
    ).toBe('w-old');
    expect(defaultWorkspaceOf({ ...approver, memberships: [] })).toBeNull();
  });
});

describe('tokenResponseFrom', () => {
  const now = new Date('2030-01-01T00:00:00.000Z');

  it('returns the payload verbatim plus access_token, token_type and expires_in', () => {
    const stored = { token: 'dfoe_y', expires_at: '2030-01-01T00:10:00.500Z', extra: [1] };
    expect(tokenResponseFrom(JSON.stringify(stored), now)).toEqual({
      ...stored,
      access_token: 'dfoe_y',
      token_type: 'Bearer',
      expires_in: 600,
    });
  });

  it('never answers an expires_in below 1', () => {
    const stored = { token: 'dfoa_x', expires_at: '2029-01-01T00:00:00.000Z' };
    expect(tokenResponseFrom(JSON.stringify(stored), now)?.expires_in).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['not JSON', '{'],
    ['an array', '[]'],
    ['null', 'null'],
    ['no token', JSON.stringify({ expires_at: '2030-01-02T00:00:00Z' })],
    ['an empty token', JSON.stringify({ token: '', expires_at: '2030-01-02T00:00:00Z' })],
    ['no expires_at', JSON.stringify({ token: 'dfoa_x' })],
    ['a bad expires_at', JSON.stringify({ token: 'dfoa_x', expires_at: 'soon' })],
  ])('refuses a payload that is %s', (_case, payload) => {
    expect(tokenResponseFrom(payload, now)).toBeNull();
  });
});
