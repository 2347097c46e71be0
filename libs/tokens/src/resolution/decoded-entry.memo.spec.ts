import { TOKEN_KINDS, TOKEN_PREFIX } from '@dify/domain';
import { DecodedEntryMemo } from './decoded-entry.memo';
import type { ResolvedBearer } from './resolved-bearer';

function bearer(tokenHash: string): ResolvedBearer {
  const kind = TOKEN_KINDS[TOKEN_PREFIX.account];
  return {
    tokenId: '0190a0a0-0000-7000-8000-000000000001',
    tokenHash,
    prefix: TOKEN_PREFIX.account,
    subjectType: kind.subjectType,
    subjectEmail: 'you@example.com',
    subjectIssuer: '',
    accountId: '0190a0a0-0000-7000-8000-000000000002',
    clientId: 'difyctl',
    scopes: kind.scopes,
    tokenType: kind.tokenType,
    expiresAt: new Date('2030-01-01T00:00:00Z'),
  };
}

describe('DecodedEntryMemo', () => {
  it('answers a remembered bearer only for the very text it was decoded from', () => {
    const memo = new DecodedEntryMemo(10);
    const decoded = bearer('h1');
    memo.remember('h1', '{"entry":1}', decoded);
    expect(memo.get('h1', '{"entry":1}')).toBe(decoded);
    expect(memo.get('h1', 'invalid')).toBeUndefined();
    expect(memo.get('h1', '{"entry":2}')).toBeUndefined();
    expect(memo.get('h2', '{"entry":1}')).toBeUndefined();
  });

  it('forgets a hash on request and keeps its bound, dropping the oldest', () => {
    const memo = new DecodedEntryMemo(2);
    memo.remember('h1', 'a', bearer('h1'));
    memo.remember('h2', 'b', bearer('h2'));
    memo.remember('h3', 'c', bearer('h3'));
    expect(memo.size).toBe(2);
    expect(memo.get('h1', 'a')).toBeUndefined();
    memo.forget('h2');
    expect(memo.get('h2', 'b')).toBeUndefined();
    expect(memo.get('h3', 'c')).toBeDefined();
  });

  it('hands out a frozen bearer, so no request can change what the next one sees', () => {
    const memo = new DecodedEntryMemo(1);
    memo.remember('h1', 'a', bearer('h1'));
    expect(Object.isFrozen(memo.get('h1', 'a'))).toBe(true);
  });
});
