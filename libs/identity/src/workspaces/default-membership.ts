/**
 * The account's default workspace among its memberships (oldest first): the one flagged current,
 * else the oldest, else undefined when it has none.
 */
export function defaultMembership<T extends { readonly current: boolean }>(
  memberships: readonly T[],
): T | undefined {
  return memberships.find((membership) => membership.current) ?? memberships[0];
}
