/**
 * The 30 characters of a user code: no I, O, Z, 0, 1 or 2, which people misread. The server
 * normalises every code it receives the same way; the page does it first so that what the person
 * sees is what the server will look up.
 */
export const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXY3456789';

const GROUP = 4;
const LENGTH = 2 * GROUP;
const ALPHABET = new Set(USER_CODE_ALPHABET);
const VALID = new RegExp(`^[${USER_CODE_ALPHABET}]{${GROUP}}-[${USER_CODE_ALPHABET}]{${GROUP}}$`);
// Longer input cannot be a code; it is refused before any per-character work.
const MAX_INPUT = 256;

function alphabetCharacters(input: string, limit: number): string {
  let kept = '';
  for (const char of input.normalize('NFKC').toUpperCase()) {
    if (!ALPHABET.has(char)) continue;
    kept += char;
    if (kept.length >= limit) break;
  }
  return kept;
}

function withDash(characters: string): string {
  return characters.length > GROUP
    ? `${characters.slice(0, GROUP)}-${characters.slice(GROUP)}`
    : characters;
}

/**
 * What the code input shows while the person types: upper case, alphabet characters only, at
 * most 8, a dash after the fourth. The dash appears with the fifth character, so that deleting it
 * with Backspace is not undone at once.
 */
export function formatTypedCode(input: string): string {
  return withDash(alphabetCharacters(input.slice(0, MAX_INPUT), LENGTH));
}

/** Where the caret belongs in the formatted value, given how many code characters precede it. */
export function caretAfter(formatted: string, charactersBefore: number): number {
  if (charactersBefore <= 0) return 0;
  return charactersBefore > GROUP
    ? Math.min(charactersBefore + 1, formatted.length)
    : charactersBefore;
}

/** How many code characters the raw input holds before `position` (for keeping the caret). */
export function codeCharactersBefore(raw: string, position: number): number {
  return alphabetCharacters(raw.slice(0, position).slice(0, MAX_INPUT), LENGTH).length;
}

export function isValidUserCode(value: string): boolean {
  return VALID.test(value);
}

/**
 * A code that arrived from elsewhere (the URL): normalised like the server does, or null when
 * exactly eight alphabet characters do not remain.
 */
export function normaliseUserCode(input: string): string | null {
  if (input.length > MAX_INPUT) return null;
  const kept = alphabetCharacters(input, LENGTH + 1);
  return kept.length === LENGTH ? withDash(kept) : null;
}
