import { TokenTouchMemo } from './token-touch.memo';

const MINUTE = 60_000;

describe('TokenTouchMemo', () => {
  it('claims a token once per interval', () => {
    const memo = new TokenTouchMemo(MINUTE, 10);

    expect(memo.claim('a', 0)).toBe(true);
    expect(memo.claim('a', 1)).toBe(false);
    expect(memo.claim('a', MINUTE - 1)).toBe(false);
    expect(memo.claim('a', MINUTE)).toBe(true);
    expect(memo.claim('a', MINUTE + 1)).toBe(false);
  });

  it('keeps tokens apart', () => {
    const memo = new TokenTouchMemo(MINUTE, 10);

    expect(memo.claim('a', 0)).toBe(true);
    expect(memo.claim('b', 0)).toBe(true);
    expect(memo.claim('b', 10)).toBe(false);
  });

  it('does not claim again for a use that looks older than the last one', () => {
    const memo = new TokenTouchMemo(MINUTE, 10);

    expect(memo.claim('a', 5 * MINUTE)).toBe(true);
    expect(memo.claim('a', 0)).toBe(false);
  });

  it('stays within its capacity by forgetting the token noted longest ago', () => {
    const memo = new TokenTouchMemo(MINUTE, 3);
    memo.claim('a', 0);
    memo.claim('b', 1);
    memo.claim('c', 2);
    // Re-noting `a` (a new minute) makes `b` the oldest.
    memo.claim('a', MINUTE);

    memo.claim('d', MINUTE + 1);

    expect(memo.size).toBe(3);
    expect(memo.claim('a', MINUTE + 2)).toBe(false);
    expect(memo.claim('c', MINUTE + 2)).toBe(true);
    // `b` was forgotten, so it is claimable again within its minute.
    expect(memo.claim('b', 10)).toBe(true);
  });
});
