/**
 * Contract §1.2: emails are trimmed and lower-cased before they are stored, compared, hashed or
 * used in a key, so one mailbox never yields two identities or two rate-limit buckets.
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
