import { generateUuidV7, UuidV7Generator } from './uuid-v7.generator';
import { isUuid } from './uuid.rules';

function timestampOf(uuid: string): number {
  return Number.parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);
}

function fixedRandom(byte: number) {
  return (size: number): Uint8Array => new Uint8Array(size).fill(byte);
}

describe('UuidV7Generator', () => {
  it('produces lower-case UUIDs with version 7 and the RFC variant', () => {
    const generator = new UuidV7Generator();
    for (let i = 0; i < 200; i += 1) {
      const id = generator.next();
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect(['8', '9', 'a', 'b']).toContain(id[19]);
    }
  });

  it('sets version and variant bits whatever the random bytes are', () => {
    const allOnes = new UuidV7Generator(fixedRandom(0xff)).next(0);
    const allZeros = new UuidV7Generator(fixedRandom(0x00)).next(0);

    expect(allOnes).toBe('00000000-0000-77ff-bfff-ffffffffffff');
    expect(allZeros).toBe('00000000-0000-7000-8000-000000000000');
  });

  it('encodes the millisecond timestamp in the first 48 bits', () => {
    const at = Date.UTC(2030, 0, 1, 12, 34, 56, 789);
    const id = new UuidV7Generator().next(at);

    expect(timestampOf(id)).toBe(at);
  });

  it('orders ids from later milliseconds after earlier ones', () => {
    const generator = new UuidV7Generator();
    const ids = [1_000, 1_001, 5_000, 1_700_000_000_000].map((ms) => generator.next(ms));

    expect([...ids].sort()).toEqual(ids);
  });

  it('stays strictly increasing within one millisecond', () => {
    const generator = new UuidV7Generator();
    const ids = Array.from({ length: 1_000 }, () => generator.next(1_700_000_000_000));

    for (let i = 1; i < ids.length; i += 1) {
      expect(ids[i] > ids[i - 1]).toBe(true);
    }
    expect(timestampOf(ids[ids.length - 1])).toBe(1_700_000_000_000);
  });

  it('moves to the next millisecond when the counter runs out, and stays ordered', () => {
    const generator = new UuidV7Generator();
    const ids = Array.from({ length: 10_000 }, () => generator.next(1_700_000_000_000));

    for (let i = 1; i < ids.length; i += 1) {
      expect(ids[i] > ids[i - 1]).toBe(true);
    }
    expect(timestampOf(ids[ids.length - 1])).toBeGreaterThan(1_700_000_000_000);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stays increasing when the clock steps back', () => {
    const generator = new UuidV7Generator();
    const later = generator.next(2_000_000);
    const afterStepBack = generator.next(1_000_000);

    expect(afterStepBack > later).toBe(true);
    expect(timestampOf(afterStepBack)).toBe(2_000_000);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 48])('refuses the timestamp %p', (ms) => {
    expect(() => new UuidV7Generator().next(ms)).toThrow(RangeError);
  });
});

describe('generateUuidV7', () => {
  it('uses the current time and yields distinct ids', () => {
    const before = Date.now();
    const first = generateUuidV7();
    const second = generateUuidV7();
    const after = Date.now();

    expect(timestampOf(first)).toBeGreaterThanOrEqual(before);
    expect(timestampOf(first)).toBeLessThanOrEqual(after + 1);
    expect(second > first).toBe(true);
  });
});
