import { isSecretLogKey } from './secret-keys';
import { REDACTED } from './secret-text';

// Past these a logged value is cut: a log line is a diagnosis, not a dump.
const MAX_DEPTH = 10;
const MAX_ITEMS = 100;

// Error codes a person needs to read (`ECONNREFUSED`, `FST_ERR_…`, `expired_or_unknown`, SQLSTATE
// `23505`) stay; anything else under `code` may be an authorization code and is hidden.
const DIAGNOSTIC_CODE = /^(?:[A-Z][A-Z0-9_]{0,63}|[a-z][a-z0-9_.]{0,63}|[0-9A-Z]{5})$/;

interface Walk {
  /** The objects between the root and the current value: a repeat is a cycle. */
  readonly ancestors: object[];
}

/**
 * A copy of one logged value, safe to write: secret keys hidden at any depth (inside arrays and
 * error causes too), errors flattened to their readable fields with Redis command arguments
 * dropped, buffers summarised, cycles and excessive depth cut. Strings are returned as they are:
 * secret-shaped text is replaced when the whole line is written (see logger-options.ts).
 */
export function redactLogValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return redactObject(value, 0, { ancestors: [] });
}

/**
 * The logged fields of one line, each value redacted, except those named in `serializedKeys`:
 * their serializer redacts them (and walking an HTTP request here would cost more than it says).
 */
export function redactLogFields(
  fields: Record<string, unknown>,
  serializedKeys: ReadonlySet<string>,
): Record<string, unknown> {
  const walk: Walk = { ancestors: [fields] };
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (serializedKeys.has(key)) copy[key] = value;
    else copy[key] = redactField(key, value, 1, walk);
  }
  return copy;
}

/**
 * An error as a plain object: `type`, `message`, `stack`, its own fields redacted, its `cause`
 * chain and aggregated errors likewise. Accepts what pino's standard serializer already made of
 * an error (the original is kept on its `raw`).
 */
export function serializeLoggedError(value: unknown): unknown {
  const raw = (value as { raw?: unknown } | null)?.raw;
  return redactLogValue(raw instanceof Error ? raw : value);
}

function redactField(key: string, value: unknown, depth: number, walk: Walk): unknown {
  if (value === undefined || value === null) return value;
  if (isSecretLogKey(key)) return REDACTED;
  return redactAny(value, depth, walk);
}

function redactAny(value: unknown, depth: number, walk: Walk): unknown {
  if (value === null) return value;
  switch (typeof value) {
    case 'object':
      return redactObject(value, depth, walk);
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      return value.toString();
    default:
      return value;
  }
}

function redactObject(value: object, depth: number, walk: Walk): unknown {
  if (walk.ancestors.includes(value)) return '[Circular]';
  if (value instanceof Date) return value;
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} of ${value.byteLength} bytes]`;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  walk.ancestors.push(value);
  try {
    if (value instanceof Error) return redactError(value, depth, walk);
    if (Array.isArray(value)) return redactItems(value, depth, walk);
    if (value instanceof Map) return redactEntries([...value.entries()], depth, walk);
    if (value instanceof Set) return redactItems([...value], depth, walk);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    // What JSON.stringify would write is what must be redacted.
    if (typeof toJSON === 'function') return redactAny(toJSON.call(value), depth + 1, walk);
    return redactEntries(ownEntries(value), depth, walk);
  } finally {
    walk.ancestors.pop();
  }
}

function redactItems(items: readonly unknown[], depth: number, walk: Walk): unknown[] {
  const copy = items.slice(0, MAX_ITEMS).map((item) => redactAny(item, depth + 1, walk));
  if (items.length > MAX_ITEMS) copy.push(`[${items.length - MAX_ITEMS} more]`);
  return copy;
}

function redactEntries(
  entries: readonly (readonly [unknown, unknown])[],
  depth: number,
  walk: Walk,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  const shown = Math.min(entries.length, MAX_ITEMS);
  for (let index = 0; index < shown; index += 1) {
    const [key, value] = entries[index];
    const name = String(key);
    copy[name] = redactField(name, value, depth + 1, walk);
  }
  if (entries.length > MAX_ITEMS) copy['[more]'] = entries.length - MAX_ITEMS;
  return copy;
}

function redactError(error: Error, depth: number, walk: Walk): Record<string, unknown> {
  const copy: Record<string, unknown> = {
    type: error.constructor?.name ?? error.name,
    message: readSafely(error, 'message'),
    stack: readSafely(error, 'stack'),
  };
  for (const [key, value] of ownEntries(error)) {
    if (key in copy || value === undefined) continue;
    if (key === 'command') copy.command = commandName(value);
    else if (key === 'code' && typeof value === 'string' && DIAGNOSTIC_CODE.test(value)) {
      copy.code = value;
    } else copy[key] = redactField(key, value, depth + 1, walk);
  }
  // `cause` and `errors` are usually not enumerable; they often hold the real failure.
  const cause = readSafely(error, 'cause');
  if (cause !== undefined) copy.cause = redactAny(cause, depth + 1, walk);
  if (error instanceof AggregateError && Array.isArray(error.errors)) {
    copy.errors = redactItems(error.errors, depth, walk);
  }
  return copy;
}

/** ioredis' `{name, args}`: the command's name helps an operator, its arguments are data. */
function commandName(command: unknown): { name: unknown } | undefined {
  if (command === null || typeof command !== 'object') return undefined;
  const name = (command as { name?: unknown }).name;
  return { name: typeof name === 'string' ? name : undefined };
}

function ownEntries(value: object): [string, unknown][] {
  return Object.keys(value).map((key) => [key, readSafely(value, key)]);
}

// A throwing getter must not turn a log call into a crash.
function readSafely(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}
