import { InFlightLimit } from './in-flight-limit';

describe('InFlightLimit', () => {
  it('holds each client to its own slots and frees them on release', () => {
    const limit = new InFlightLimit(2);
    expect(limit.acquire('198.51.100.1')).toBe(true);
    expect(limit.acquire('198.51.100.1')).toBe(true);
    expect(limit.acquire('198.51.100.1')).toBe(false);
    expect(limit.acquire('198.51.100.2')).toBe(true);
    limit.release('198.51.100.1');
    expect(limit.acquire('198.51.100.1')).toBe(true);
    limit.release('198.51.100.1');
    limit.release('198.51.100.1');
    limit.release('198.51.100.1');
    expect(limit.acquire('198.51.100.1')).toBe(true);
    expect(limit.acquire('198.51.100.1')).toBe(true);
    expect(limit.acquire('198.51.100.1')).toBe(false);
  });
});
