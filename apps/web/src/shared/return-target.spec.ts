import {
  readReturn,
  RETURN_STORAGE_KEY,
  RETURN_TTL_MS,
  type ReturnStorage,
  safeReturnTarget,
  writeReturn,
} from './return-target';

const ORIGIN = 'https://dify.example';

class MemoryStorage implements ReturnStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

describe('the post-login return', () => {
  it.each([
    '/device',
    '/device?user_code=ABCD-EFGH',
    '/device?sso_verified=1',
    '/device?user_code=ABCD-EFGH&sso_verified=1',
  ])('allows %s', (target) => {
    expect(safeReturnTarget(target, ORIGIN)).toBe(target);
  });

  it.each([
    'https://evil.example/device',
    '//evil.example/device',
    '/\\evil.example/device',
    'javascript:alert(1)',
    '/device/',
    '/devices',
    '/signin',
    '/device?next=https://evil.example',
    '/device?user_code=ABCD-EFGH&user_code=WXYZ-3456',
    '/device?user_code=<script>',
    '/device?sso_verified=true',
    '/device#fragment',
    '/%2F%2Fevil.example',
    42,
    null,
  ])('refuses %j', (target) => {
    expect(safeReturnTarget(target, ORIGIN)).toBeNull();
  });

  it('round-trips a confirmed code and removes it once consumed', () => {
    const storage = new MemoryStorage();
    expect(writeReturn(storage, ORIGIN, 'ABCD-EFGH', 1_000)).toBe(true);
    expect(readReturn(storage, ORIGIN, 2_000, { consume: false })).toEqual({
      target: '/device?user_code=ABCD-EFGH',
      ts: 1_000,
      confirmed: true,
    });
    expect(readReturn(storage, ORIGIN, 2_000, { consume: true })).not.toBeNull();
    expect(storage.items.size).toBe(0);
  });

  it('refuses to store a code that is not one', () => {
    const storage = new MemoryStorage();
    expect(writeReturn(storage, ORIGIN, 'x&next=//evil', 1_000)).toBe(false);
    expect(storage.items.size).toBe(0);
  });

  it.each([
    ['stale', JSON.stringify({ target: '/device', ts: 0, confirmed: true }), RETURN_TTL_MS + 1],
    ['from the future', JSON.stringify({ target: '/device', ts: 10, confirmed: true }), 5],
    [
      'tampered',
      JSON.stringify({ target: 'https://evil.example/device', ts: 0, confirmed: true }),
      1,
    ],
    ['not JSON', '{', 1],
    ['an array', '[]', 1],
    ['missing fields', JSON.stringify({ target: '/device' }), 1],
  ])('drops a %s entry', (_label, raw, now) => {
    const storage = new MemoryStorage();
    storage.setItem(RETURN_STORAGE_KEY, raw);
    expect(readReturn(storage, ORIGIN, now, { consume: false })).toBeNull();
    expect(storage.items.size).toBe(0);
  });
});
