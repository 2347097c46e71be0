import {
  DEVICE_FLOW_KEY_PREFIX,
  DEVICE_FLOW_RATE_LIMIT_PREFIX,
  DEVICE_LOOKUP_MISS_KEY,
} from '@dify/device-flow';
import { IDENTITY_KEY_PREFIX, IDENTITY_RATE_LIMIT_PREFIX } from '@dify/identity';
import { LICENSE_STATUS_KEY } from '@dify/licensing';
import { bullPrefix, RATE_LIMIT_KEY_NAMESPACE } from '@dify/platform';
import { TOKEN_KEY_PREFIX, TOKEN_RATE_LIMIT_PREFIX } from '@dify/tokens';

// Every service shares one Redis under one REDIS_KEY_PREFIX, so each feature's key names must stay
// apart from every other feature's: a prefix that starts another would let one feature read,
// overwrite or expire the other's keys (docs/redis-state.md, "Keys").
const STATE_KEYS: Readonly<Record<string, readonly string[]>> = {
  'device-flow': Object.values(DEVICE_FLOW_KEY_PREFIX),
  identity: Object.values(IDENTITY_KEY_PREFIX),
  licensing: [LICENSE_STATUS_KEY],
  tokens: Object.values(TOKEN_KEY_PREFIX),
  // BullMQ's own connection adds the deployment prefix itself, then `bull:<queue>:`.
  bullmq: [`${bullPrefix('')}:`],
};

const RATE_LIMIT_BUCKETS: Readonly<Record<string, readonly string[]>> = {
  'device-flow': [...Object.values(DEVICE_FLOW_RATE_LIMIT_PREFIX), DEVICE_LOOKUP_MISS_KEY],
  identity: Object.values(IDENTITY_RATE_LIMIT_PREFIX),
  tokens: Object.values(TOKEN_RATE_LIMIT_PREFIX),
};

function named(groups: Readonly<Record<string, readonly string[]>>, kind: string): string[] {
  return Object.entries(groups).flatMap(([feature, prefixes]) =>
    prefixes.map((prefix) => `${feature} ${kind} ${prefix}`),
  );
}

const prefixOf = (entry: string): string => entry.split(' ')[2];

describe('Redis key prefixes of every feature', () => {
  const all = [...named(STATE_KEYS, 'key'), ...named(RATE_LIMIT_BUCKETS, 'bucket')];

  it('collects the prefixes of every feature', () => {
    const empty = Object.entries({ ...STATE_KEYS, ...RATE_LIMIT_BUCKETS })
      .filter(([, prefixes]) => prefixes.length === 0)
      .map(([feature]) => feature);
    expect(empty).toEqual([]);
  });

  it('has no prefix equal to, or the start of, another', () => {
    const clashes: string[] = [];
    for (const [i, a] of all.entries()) {
      for (const [j, b] of all.entries()) {
        if (i !== j && prefixOf(b).startsWith(prefixOf(a))) clashes.push(`${a} starts ${b}`);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('keeps every rate-limit bucket under rl: and every state key out of it', () => {
    const outside = named(RATE_LIMIT_BUCKETS, 'bucket').filter(
      (entry) => !prefixOf(entry).startsWith(RATE_LIMIT_KEY_NAMESPACE),
    );
    const inside = named(STATE_KEYS, 'key').filter((entry) =>
      prefixOf(entry).startsWith(RATE_LIMIT_KEY_NAMESPACE),
    );
    expect([...outside, ...inside]).toEqual([]);
  });
});
