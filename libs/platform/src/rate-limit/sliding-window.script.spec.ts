import { parseSlidingWindowReply } from './sliding-window.script';

describe('parseSlidingWindowReply', () => {
  it('reads the allowed flag, count and wait', () => {
    expect(parseSlidingWindowReply([1, 3, 0])).toEqual({
      allowed: true,
      count: 3,
      retryAfterMs: 0,
    });
    expect(parseSlidingWindowReply([0, 10, 1234])).toEqual({
      allowed: false,
      count: 10,
      retryAfterMs: 1234,
    });
  });

  it('reads the member an allowed call recorded', () => {
    expect(parseSlidingWindowReply([1, 1, 0, '1700000000000-ab'])).toEqual({
      allowed: true,
      count: 1,
      retryAfterMs: 0,
      member: '1700000000000-ab',
    });
  });

  it('refuses any other shape', () => {
    for (const reply of [
      null,
      'OK',
      [1, 2],
      [1, 2, 3, 4],
      [0, 2, 3, 'm'],
      [1, 2, 0, 'm', 5],
      ['1', 2, 3],
      [1, 2.5, 0],
    ]) {
      expect(() => parseSlidingWindowReply(reply)).toThrow('unexpected reply');
    }
  });
});
