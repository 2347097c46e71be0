/**
 * One environment variable: how to read it, its default, and how to document it.
 *
 * `parse` either returns the typed value or throws an `EnvVarError` with a message fit for
 * an operator; `loadEnv` collects those messages so a bad deployment learns every problem at once.
 */
export interface EnvVar<T> {
  readonly description: string;
  /** The default as an operator would write it in `.env`; undefined when the variable is required. */
  readonly defaultValue: string | undefined;
  /** Secrets are never echoed back in validation messages. */
  readonly secret: boolean;
  parse(raw: string): T;
}

export class EnvVarError extends Error {}

interface Common {
  description: string;
  secret?: boolean;
}

function define<T>(options: Common & { default?: string }, parse: (raw: string) => T): EnvVar<T> {
  return {
    description: options.description,
    defaultValue: options.default,
    secret: options.secret ?? false,
    parse,
  };
}

function str(
  options: Common & { default?: string; minLength?: number; maxLength?: number },
): EnvVar<string> {
  return define(options, (raw) => {
    if (options.minLength !== undefined && Buffer.byteLength(raw) < options.minLength) {
      throw new EnvVarError(`must be at least ${options.minLength} bytes`);
    }
    if (options.maxLength !== undefined && raw.length > options.maxLength) {
      throw new EnvVarError(`must be at most ${options.maxLength} characters`);
    }
    return raw;
  });
}

function int(options: Common & { default?: number; min?: number; max?: number }): EnvVar<number> {
  return define({ ...options, default: options.default?.toString() }, (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new EnvVarError('must be an integer');
    const value = Number(raw.trim());
    // Out-of-range values are refused, never clamped: a silent clamp hides a typo.
    if (options.min !== undefined && value < options.min) {
      throw new EnvVarError(`must be at least ${options.min}`);
    }
    if (options.max !== undefined && value > options.max) {
      throw new EnvVarError(`must be at most ${options.max}`);
    }
    return value;
  });
}

function port(options: Common & { default: number }): EnvVar<number> {
  return int({ ...options, min: 0, max: 65535 });
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

function bool(options: Common & { default: boolean }): EnvVar<boolean> {
  return define({ ...options, default: String(options.default) }, (raw) => {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    throw new EnvVarError('must be true or false');
  });
}

function url(options: Common & { default?: string; protocols: readonly string[] }): EnvVar<string> {
  return define(options, (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw.trim());
    } catch {
      throw new EnvVarError('must be an absolute URL');
    }
    if (!options.protocols.includes(parsed.protocol)) {
      throw new EnvVarError(`must use one of ${options.protocols.join(', ')}`);
    }
    return raw.trim();
  });
}

function oneOf<const T extends string>(
  options: Common & { default?: T; values: readonly T[] },
): EnvVar<T> {
  return define(options, (raw) => {
    const value = raw.trim() as T;
    if (!options.values.includes(value)) {
      throw new EnvVarError(`must be one of ${options.values.join(', ')}`);
    }
    return value;
  });
}

/** A comma-separated list; entries are trimmed and empty entries dropped. */
function list(
  options: Common & { default?: string; allowed?: readonly string[] },
): EnvVar<readonly string[]> {
  return define(options, (raw) => {
    const entries = raw
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0);
    const unknown = options.allowed
      ? entries.filter((entry) => !options.allowed?.includes(entry))
      : [];
    if (unknown.length > 0) {
      throw new EnvVarError(
        `has unknown entries ${unknown.join(', ')}; allowed: ${options.allowed?.join(', ')}`,
      );
    }
    return Object.freeze(entries);
  });
}

export const env = { bool, int, list, oneOf, port, str, url } as const;
