import { formatWithOptions } from 'node:util';
import type { Logger } from 'pino';
import { redactLogValue } from './log-value.redactor';

type ConsoleMethod = 'debug' | 'error' | 'info' | 'log' | 'trace' | 'warn';
type Level = 'debug' | 'error' | 'info' | 'warn';

const LEVEL_OF: Readonly<Record<ConsoleMethod, Level>> = {
  debug: 'debug',
  error: 'error',
  info: 'info',
  log: 'info',
  trace: 'debug',
  warn: 'warn',
};

/** The part of `console` a capture replaces. */
export type CapturedConsole = Record<ConsoleMethod, (...args: unknown[]) => void>;

/**
 * Sends what libraries print with `console.*` through the redacting logger, as JSON lines.
 * Services never print, but libraries do: BullMQ reports an error nobody listens for with
 * `console.error`, the Redis command and its arguments included, which would put payloads and
 * codes on stderr verbatim. Answers a function that puts the original methods back.
 */
export function captureConsole(logger: Logger, target: CapturedConsole = console): () => void {
  const originals = { ...target };
  for (const method of Object.keys(LEVEL_OF) as ConsoleMethod[]) {
    const level = LEVEL_OF[method];
    target[method] = (...args: unknown[]) => writeConsoleCall(logger, level, args);
  }
  return () => Object.assign(target, originals);
}

function writeConsoleCall(logger: Logger, level: Level, args: readonly unknown[]): void {
  const errors = args.filter((arg): arg is Error => arg instanceof Error);
  // Objects are redacted before they are formatted: once text, only their shape could be.
  const rest = args
    .filter((arg) => !(arg instanceof Error))
    .map((arg) => (typeof arg === 'string' ? arg : redactLogValue(arg)));
  const message = formatWithOptions({ breakLength: Infinity, depth: 6 }, ...rest);
  const fields: Record<string, unknown> = { source: 'console' };
  if (errors.length > 0) fields.err = errors[0];
  if (errors.length > 1) fields.errors = errors.slice(1);
  logger[level](fields, message || errors[0]?.message || '');
}
