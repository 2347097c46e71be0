import { isSecretLogKey } from './secret-keys';

/** What a redacted secret is replaced with, in structured fields and inside text alike. */
export const REDACTED = '[Redacted]';

/**
 * Secrets recognisable by a literal start wherever they stand in a line: inside an error message,
 * a Redis key, a URL or a JSON payload serialised into a string. A literal start lets the regex
 * engine skip ahead, which keeps a scan of every written line cheap.
 */
const PREFIXED_SECRETS = new RegExp(
  [
    // Bearer tokens, account (dfoa_) and external SSO (dfoe_) alike.
    'dfo[ae]_[A-Za-z0-9_-]+',
    // Device codes (`dc_` + 43 base64url characters); the length keeps ordinary words out.
    'dc_[A-Za-z0-9_-]{32,}',
    // JWTs: console session cookies, licences, any signed grant. The header always starts `{"`.
    'eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*',
    // argon2 password hashes in their PHC string form.
    '\\$argon2(?:id|i|d)\\$[A-Za-z0-9+/=,$.-]+',
  ].join('|'),
  'g',
);

// The password of a connection URL (`redis://user:secret@host`); the scheme and user name stay.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@"]*:)[^\s/@"]+@/g;

// `name=value` as in a query string or a Cookie header; the value stops at a separator, a quote
// or the backslash of an escaped quote.
const ASSIGNMENT = /([A-Za-z][A-Za-z0-9_.-]*)=([^;&\s"\\]+)/g;

// The user-code alphabet: no I, O, Z, 0, 1 or 2, so codes read unambiguously aloud.
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXY3456789';
const IN_ALPHABET = new Uint8Array(128);
for (const character of USER_CODE_ALPHABET) IN_ALPHABET[character.charCodeAt(0)] = 1;
const USER_CODE_HALF = 4;

/** Replaces every secret-shaped substring of `text` with `[Redacted]`. */
export function redactSecretText(text: string): string {
  let redacted = text.replace(PREFIXED_SECRETS, REDACTED);
  if (redacted.includes('://')) redacted = redacted.replace(URL_PASSWORD, `$1${REDACTED}@`);
  if (redacted.includes('=')) redacted = redacted.replace(ASSIGNMENT, redactAssignment);
  return redactUserCodes(redacted);
}

// A query string redacted before (see redactUrl) is left as it was written.
const ALREADY_REDACTED = new Set([REDACTED, encodeURIComponent(REDACTED)]);

/** `csrf_token=…`, `password=…`, `code=…` keep their name and lose their value. */
function redactAssignment(assignment: string, name: string, value: string): string {
  if (ALREADY_REDACTED.has(value) || !isSecretLogKey(name)) return assignment;
  return `${name}=${REDACTED}`;
}

/**
 * User codes as issued and stored: `XXXX-XXXX` over the alphabet, not inside a longer run of
 * capitals or digits. They have no literal start, so instead of a regex (which would try every
 * position) this looks only around each hyphen.
 */
function redactUserCodes(text: string): string {
  let output = '';
  let copied = 0;
  let hyphen = text.indexOf('-', USER_CODE_HALF);
  while (hyphen >= 0) {
    const start = hyphen - USER_CODE_HALF;
    const end = hyphen + 1 + USER_CODE_HALF;
    if (
      start >= copied &&
      isCodeRun(text, start, hyphen) &&
      isCodeRun(text, hyphen + 1, end) &&
      !isCapitalOrDigit(text.charCodeAt(start - 1)) &&
      !isCapitalOrDigit(text.charCodeAt(end))
    ) {
      output += text.slice(copied, start) + REDACTED;
      copied = end;
      hyphen = text.indexOf('-', end);
    } else {
      hyphen = text.indexOf('-', hyphen + 1);
    }
  }
  return copied === 0 ? text : output + text.slice(copied);
}

function isCodeRun(text: string, from: number, to: number): boolean {
  if (to > text.length) return false;
  for (let index = from; index < to; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 128 || IN_ALPHABET[code] !== 1) return false;
  }
  return true;
}

// The bounds look at capitals and digits only, so a code right after an escape such as `\n`
// (or run into a lower-case word) is still found.
function isCapitalOrDigit(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}
