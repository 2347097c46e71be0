import { deviceFlowRateLimitKey } from './device-flow-rate-limit.keys';

describe('deviceFlowRateLimitKey', () => {
  it('builds the documented bucket keys exactly', () => {
    expect([
      deviceFlowRateLimitKey.deviceCode('203.0.113.7'),
      deviceFlowRateLimitKey.deviceLookup('2001:db8::1'),
      deviceFlowRateLimitKey.deviceLookupMiss(),
      deviceFlowRateLimitKey.deviceDecision('0190a0a0-0000-7000-8000-000000000002'),
    ]).toEqual([
      'rl:device_code:ip:203.0.113.7',
      'rl:device_lookup:ip:2001:db8::1',
      'rl:device_lookup_miss:global',
      'rl:device_decision:account:0190a0a0-0000-7000-8000-000000000002',
    ]);
  });

  it('builds the failed-lookup budgets of a network and of an account', () => {
    expect(deviceFlowRateLimitKey.deviceLookupMissByNetwork('203.0.113.0/24')).toBe(
      'rl:device_lookup_miss:net:203.0.113.0/24',
    );
    expect(
      deviceFlowRateLimitKey.deviceLookupMissByAccount('0190a0a0-0000-7000-8000-000000000001'),
    ).toBe('rl:device_lookup_miss:account:0190a0a0-0000-7000-8000-000000000001');
  });

  it('refuses an empty id, which would merge every caller into one bucket', () => {
    expect(() => deviceFlowRateLimitKey.deviceCode('')).toThrow(RangeError);
    expect(() => deviceFlowRateLimitKey.deviceDecision('')).toThrow(RangeError);
  });
});
