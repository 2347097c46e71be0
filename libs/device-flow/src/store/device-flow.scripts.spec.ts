import { DEVICE_FLOW_SCRIPTS } from './device-flow.scripts';

describe('device-flow scripts', () => {
  // Redis Cluster refuses a script whose keys live in different slots; naming one key is the rule
  // that keeps the state machine cluster-safe (docs/redis-state.md, "Scripts").
  it.each(Object.entries(DEVICE_FLOW_SCRIPTS))(
    '%s names exactly one key, KEYS[1]',
    (_name, script) => {
      const keyRefs = [...script.lua.matchAll(/KEYS\[(\d+)\]/g)].map((match) => match[1]);
      expect(keyRefs.length).toBeGreaterThan(0);
      expect(new Set(keyRefs)).toEqual(new Set(['1']));
      // No key name may be built inside a script either: every redis.call takes `key` or KEYS[1].
      for (const call of script.lua.matchAll(/redis\.call\('(\w+)',\s*([^,)]+)/g)) {
        if (call[1] === 'TIME') continue;
        expect(['key', 'KEYS[1]']).toContain(call[2].trim());
      }
    },
  );

  it('registers every script under its own name', () => {
    const names = Object.values(DEVICE_FLOW_SCRIPTS).map((script) => script.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
