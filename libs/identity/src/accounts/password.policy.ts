/** Longer passphrases are welcome, but hashing megabytes on request would be a DoS lever. */
export const PASSWORD_MAX_LENGTH = 128;
export const PASSWORD_MIN_LENGTH = 8;

/** What is wrong with a new password, in words a person can act on; empty when it is fine. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if ([...password].length > PASSWORD_MAX_LENGTH) {
    problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  if (!/\p{L}/u.test(password)) problems.push('must contain a letter');
  if (!/\p{Nd}/u.test(password)) problems.push('must contain a digit');
  return problems;
}
