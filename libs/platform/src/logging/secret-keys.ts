/**
 * Normalised (lower case, letters and digits only) key names whose values are secrets wherever
 * they appear, so `user_code`, `userCode` and `User-Code` are one name. `args` is the argument
 * list ioredis attaches to its errors (`err.command.args`), which holds published payloads,
 * device codes and user codes; `parameters` is the bound values of a failed SQL query.
 */
const SECRET_KEYS = new Set([
  'accesstoken',
  'args',
  'authorization',
  'code',
  'codeverifier',
  'devicecode',
  'grant',
  'idtoken',
  'parameters',
  'proxyauthorization',
  'refreshtoken',
  'token',
  'tokenhash',
  'usercode',
]);

/** Key fragments that make any key secret: `newPassword`, `SECRET_KEY`, `x-csrf-token`, … */
const SECRET_KEY_FRAGMENTS = [
  'apikey',
  'cookie',
  'csrf',
  'licencekey',
  'licensekey',
  'passwd',
  'password',
  'privatekey',
  'secret',
] as const;

const MAX_KEY_CACHE = 2_000;

const keyVerdicts = new Map<string, boolean>();

/** True when a value stored under `key` must never be logged, at whatever depth. */
export function isSecretLogKey(key: string): boolean {
  const known = keyVerdicts.get(key);
  if (known !== undefined) return known;
  const name = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  const secret =
    SECRET_KEYS.has(name) ||
    // `csrfToken`, `bearer_token`, … but not `token_id` or `token_type`.
    name.endsWith('token') ||
    SECRET_KEY_FRAGMENTS.some((fragment) => name.includes(fragment));
  // Log keys come from code, so the set stays small; the bound only guards against a caller
  // that logs user-chosen keys.
  if (keyVerdicts.size >= MAX_KEY_CACHE) keyVerdicts.clear();
  keyVerdicts.set(key, secret);
  return secret;
}
