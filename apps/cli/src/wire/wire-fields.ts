/**
 * Small readers for JSON that came from somewhere we do not control: a server's answer or a file
 * on disk. Each answers `undefined` rather than throwing, so callers decide what is fatal.
 */

export type JsonRecord = Readonly<Record<string, unknown>>;

// Control characters and the invisible or direction-changing ones: a hostile server could use
// them to repaint the terminal or disguise a URL, so text shown to a person must be free of them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string that is safe to print: no control or invisible characters, within `maxLength`. */
export function isDisplayable(value: unknown, maxLength = 1024): value is string {
  return typeof value === 'string' && value.length <= maxLength && !UNSAFE_TEXT.test(value);
}

/** A non-empty displayable string field, or undefined. */
export function textField(record: JsonRecord, name: string, maxLength = 1024): string | undefined {
  const value = record[name];
  return isDisplayable(value, maxLength) && value.trim() !== '' ? value : undefined;
}

/** A finite number field, or undefined. */
export function numberField(record: JsonRecord, name: string): number | undefined {
  const value = record[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Text for a message: unsafe characters replaced, cut to a readable length. */
export function sanitizeForDisplay(value: string, maxLength = 200): string {
  const cleaned = value.replace(new RegExp(UNSAFE_TEXT.source, 'g'), '?');
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength)}…` : cleaned;
}
