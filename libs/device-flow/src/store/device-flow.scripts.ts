/**
 * The Lua scripts of docs/redis-state.md, "Scripts", registered with ioredis `defineCommand`:
 * loaded once per client, then called by SHA (ioredis reloads a script after a NOSCRIPT, e.g. a
 * Redis restart).
 *
 * Invariant kept by every script here: IT NAMES EXACTLY ONE KEY, passed in KEYS[1], and touches no
 * other. Redis Cluster runs a script on the node that owns its keys and refuses keys that hash to
 * different slots, so a single-key script works unchanged on a cluster. That is why the user-code
 * mapping is never touched by `start` or `poll`: issuance claims it with its own `SET NX`, and a
 * consumed code's mapping is deleted by a separate command afterwards.
 *
 * Time comes from Redis `TIME`, never from the caller, so `auth` replicas with skewed clocks agree
 * on throttling. Redis 5+ replicates script effects rather than the script, so writing after
 * `TIME` is allowed.
 *
 * Status strings and hash field names are wire values shared with every replica
 * (docs/redis-state.md, "The device hash"); readers ignore fields they do not know, so adding a
 * field is safe during a rolling deploy.
 */

/**
 * `start`: KEYS[1] = device key. ARGV: user_code, client_id, device_label, created_at, created_ip,
 * initial interval (s), lifetime (s). Writes every pending field and the TTL, or nothing when the
 * key already exists. Reply: 1 (created) or 0 (exists).
 */
export const START_LUA = `
local key = KEYS[1]
if redis.call('EXISTS', key) == 1 then
  return 0
end
redis.call('HSET', key,
  'user_code', ARGV[1],
  'client_id', ARGV[2],
  'device_label', ARGV[3],
  'status', 'pending',
  'created_at', ARGV[4],
  'created_ip', ARGV[5],
  'interval', ARGV[6],
  'token_id', '',
  'payload', '')
redis.call('EXPIRE', key, tonumber(ARGV[7]))
return 1
`;

/**
 * `poll`: KEYS[1] = device key. ARGV: client_id, slow_down step (s), the interval to assume when
 * the field is unreadable (s), the highest interval slow_down may reach (s). The whole
 * token-endpoint decision in one round trip (docs/device-flow.md, "Polling"):
 *
 * 1. no key: {'missing'}
 * 2. another client_id: {'client_mismatch'}, with NO write, so a wrong client can neither consume
 *    the code nor disturb its throttle
 * 3. a previous poll less than `interval` ago: raise `interval` by the step, store it and answer
 *    {'slow_down', <new interval>}; `last_poll_ms` stays, so throttling is measured from the last
 *    accepted poll. The first poll has no `last_poll_ms` and is never slowed down. The raise stops
 *    at the cap and at the code's remaining life (whole seconds): a burst of early polls must not
 *    lock out for good a client that then waits, while its token sits ready in Redis. A stored
 *    interval above the cap (written before the cap existed) counts as the cap
 * 4. record `last_poll_ms = now`
 * 5. pending: {'pending'}; approved or denied: read the fields, DELETE the key and answer
 *    {status, user_code, created_ip, payload}. Because the read and the delete are one script, of
 *    N concurrent pollers exactly one sees the terminal state; the rest find no key. Any other
 *    status: {'missing'}
 *
 * Numbers are written with %d: Lua's default number formatting would switch a millisecond clock
 * to exponent notation once it passes 14 digits.
 */
export const POLL_LUA = `
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then
  return {'missing'}
end
local fields = redis.call('HMGET', key, 'client_id', 'last_poll_ms', 'interval', 'status')
if fields[1] ~= ARGV[1] then
  return {'client_mismatch'}
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local cap = tonumber(ARGV[4])
local interval = tonumber(fields[3]) or tonumber(ARGV[3])
if interval > cap then
  interval = cap
end
local last = tonumber(fields[2])
if last and now - last < interval * 1000 then
  local raised = interval + tonumber(ARGV[2])
  local ttl = redis.call('PTTL', key)
  if ttl > 0 and math.floor(ttl / 1000) < cap then
    cap = math.floor(ttl / 1000)
  end
  if raised > cap then
    raised = cap
  end
  if raised > interval then
    interval = raised
    redis.call('HSET', key, 'interval', string.format('%d', interval))
  end
  return {'slow_down', string.format('%d', interval)}
end
redis.call('HSET', key, 'last_poll_ms', string.format('%d', now))
local status = fields[4]
if status == 'pending' then
  return {'pending'}
end
if status == 'approved' or status == 'denied' then
  local found = redis.call('HMGET', key, 'user_code', 'created_ip', 'payload')
  redis.call('DEL', key)
  return {status, found[1] or '', found[2] or '', found[3] or ''}
end
return {'missing'}
`;

/**
 * `transition`: KEYS[1] = device key. ARGV: target status (`approved` | `denied`), marker, payload
 * (empty for a denial), TTL floor (s). The compare-and-set of approve and deny:
 *
 * - no key: 0
 * - not a hash, or `status` missing or not one we know: -2
 * - already resolved: 2 when the status is the target and `token_id` holds this very marker (an
 *   idempotent replay of our own publish), otherwise -1 (another transition won)
 * - pending: set `status` and `token_id` = marker (the marker lives in `token_id`; there is no
 *   separate field), store the payload verbatim when approving, then raise the remaining TTL to the
 *   floor when it is lower, "no TTL" included, so the client can still collect the answer. Reply 1
 */
export const TRANSITION_LUA = `
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then
  return 0
end
if redis.call('TYPE', key).ok ~= 'hash' then
  return -2
end
local fields = redis.call('HMGET', key, 'status', 'token_id')
local status = fields[1]
if status ~= 'pending' and status ~= 'approved' and status ~= 'denied' then
  return -2
end
if status ~= 'pending' then
  if status == ARGV[1] and fields[2] == ARGV[2] then
    return 2
  end
  return -1
end
if ARGV[1] == 'approved' then
  redis.call('HSET', key, 'status', ARGV[1], 'token_id', ARGV[2], 'payload', ARGV[3])
else
  redis.call('HSET', key, 'status', ARGV[1], 'token_id', ARGV[2])
end
local floor = tonumber(ARGV[4]) * 1000
if redis.call('PTTL', key) < floor then
  redis.call('PEXPIRE', key, floor)
end
return 1
`;

/**
 * `confirm`: KEYS[1] = device key. ARGV: the expected marker. Read-only; asked after a publish
 * whose reply was lost. Reply `UNKNOWN` (no key: consumed already, or expired, so nobody can
 * tell), `PUBLISHED` (approved under this marker) or `NOT_PUBLISHED`.
 */
export const CONFIRM_LUA = `
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then
  return 'UNKNOWN'
end
local fields = redis.call('HMGET', key, 'status', 'token_id')
if fields[1] == 'approved' and fields[2] == ARGV[1] then
  return 'PUBLISHED'
end
return 'NOT_PUBLISHED'
`;

/**
 * `release_guard`: KEYS[1] = approval guard key. ARGV: the caller's transition id. Deletes the
 * guard only for its owner, so an approval that outlived its 60 s guard cannot release the guard
 * a later approval now holds. Reply 1 (released) or 0.
 */
export const RELEASE_GUARD_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/**
 * Names the scripts are registered under on the shared client. They share a client with other
 * libraries' commands (the rate limiter), hence the prefix.
 */
export const DEVICE_FLOW_COMMANDS = {
  start: 'deviceFlowStart',
  poll: 'deviceFlowPoll',
  transition: 'deviceFlowTransition',
  confirm: 'deviceFlowConfirm',
  releaseGuard: 'deviceFlowReleaseGuard',
} as const;

export const DEVICE_FLOW_SCRIPTS: Readonly<
  Record<keyof typeof DEVICE_FLOW_COMMANDS, { readonly name: string; readonly lua: string }>
> = {
  start: { name: DEVICE_FLOW_COMMANDS.start, lua: START_LUA },
  poll: { name: DEVICE_FLOW_COMMANDS.poll, lua: POLL_LUA },
  transition: { name: DEVICE_FLOW_COMMANDS.transition, lua: TRANSITION_LUA },
  confirm: { name: DEVICE_FLOW_COMMANDS.confirm, lua: CONFIRM_LUA },
  releaseGuard: { name: DEVICE_FLOW_COMMANDS.releaseGuard, lua: RELEASE_GUARD_LUA },
};
