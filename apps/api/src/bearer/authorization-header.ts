/**
 * The bearer token of an `Authorization` header (docs/tokens.md, "Bearer resolution"), or null when
 * there is none: no header, another scheme, or an empty value. The header is split at its first
 * space, the scheme compared case-insensitively, and the value trimmed. Whether the value looks
 * like a token is not judged here: anything else is hashed, counted and rejected as an invalid
 * bearer.
 */
export function bearerTokenOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  if (header.slice(0, space).toLowerCase() !== 'bearer') return null;
  const token = header.slice(space + 1).trim();
  return token === '' ? null : token;
}
