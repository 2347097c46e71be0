import { pooledRandomBytes } from './pooled-random-bytes';

describe('pooledRandomBytes', () => {
  it('answers the size asked for, as a copy the pool no longer touches', () => {
    const first = pooledRandomBytes(32);
    const snapshot = Buffer.from(first);
    for (let i = 0; i < 300; i += 1) pooledRandomBytes(32);
    expect(first).toHaveLength(32);
    expect(first.equals(snapshot)).toBe(true);
  });

  it('never hands out the same bytes twice, across refills', () => {
    const seen = new Set<string>();
    // 2,000 draws of 16 bytes span several 4 KiB refills.
    for (let i = 0; i < 2_000; i += 1) seen.add(pooledRandomBytes(16).toString('hex'));
    expect(seen.size).toBe(2_000);
  });

  it('spreads its bytes over every value', () => {
    const counts = new Array<number>(256).fill(0);
    for (const byte of pooledRandomBytes(4096)) counts[byte] += 1;
    // 16 expected per value; a stuck or zeroed pool would leave most values at 0.
    expect(counts.filter((count) => count === 0).length).toBeLessThan(5);
  });

  it('refuses sizes it cannot serve from one pool', () => {
    expect(() => pooledRandomBytes(4097)).toThrow(RangeError);
    expect(() => pooledRandomBytes(-1)).toThrow(RangeError);
  });
});
