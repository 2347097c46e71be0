import { isValidUserCode } from './user-code';

/**
 * The post-login return: before the device page sends a person to /signin it remembers, in this
 * tab's sessionStorage, where to come back to. The entry is checked when written and when read
 * (same origin, path exactly /device, only known query keys), so neither a tampered entry nor a
 * crafted link can turn sign-in into an open redirect.
 */
export const RETURN_STORAGE_KEY = 'dify.device.return';
export const RETURN_TTL_MS = 15 * 60 * 1000;
const RETURN_PATH = '/device';
const ALLOWED_QUERY_KEYS: ReadonlySet<string> = new Set(['user_code', 'sso_verified']);

export interface ReturnEntry {
  /** A same-origin path and query, e.g. `/device?user_code=ABCD-EFGH`. */
  readonly target: string;
  readonly ts: number;
  readonly confirmed: boolean;
}

export type ReturnStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The target as a same-origin path, or null when it could lead anywhere but /device. */
export function safeReturnTarget(target: unknown, origin: string): string | null {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//')) {
    return null;
  }
  let url: URL;
  try {
    url = new URL(target, origin);
  } catch {
    return null;
  }
  if (url.origin !== origin || url.pathname !== RETURN_PATH || url.hash !== '') return null;
  const keys = [...url.searchParams.keys()];
  if (new Set(keys).size !== keys.length) return null;
  for (const [key, value] of url.searchParams) {
    if (!ALLOWED_QUERY_KEYS.has(key)) return null;
    if (key === 'user_code' && !isValidUserCode(value)) return null;
    if (key === 'sso_verified' && value !== '1') return null;
  }
  return `${url.pathname}${url.search}`;
}

export function writeReturn(
  storage: ReturnStorage,
  origin: string,
  userCode: string,
  now: number,
): boolean {
  const target = safeReturnTarget(
    `${RETURN_PATH}?user_code=${encodeURIComponent(userCode)}`,
    origin,
  );
  if (!target) return false;
  const entry: ReturnEntry = { target, ts: now, confirmed: true };
  storage.setItem(RETURN_STORAGE_KEY, JSON.stringify(entry));
  return true;
}

/**
 * The stored entry when it is still valid. `consume` removes it (the device page, once it has
 * acted on it); an invalid or stale entry is removed either way.
 */
export function readReturn(
  storage: ReturnStorage,
  origin: string,
  now: number,
  { consume }: { consume: boolean },
): ReturnEntry | null {
  const raw = storage.getItem(RETURN_STORAGE_KEY);
  if (raw === null) return null;
  const entry = parseEntry(raw, origin, now);
  if (consume || !entry) storage.removeItem(RETURN_STORAGE_KEY);
  return entry;
}

function parseEntry(raw: string, origin: string, now: number): ReturnEntry | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { target, ts, confirmed } = value as Record<string, unknown>;
  const safe = safeReturnTarget(target, origin);
  if (!safe || typeof ts !== 'number' || typeof confirmed !== 'boolean') return null;
  if (ts > now || now - ts > RETURN_TTL_MS) return null;
  return { target: safe, ts, confirmed };
}

/** The user code a return target names, if any. */
export function userCodeOf(target: string, origin: string): string | null {
  return new URL(target, origin).searchParams.get('user_code');
}
