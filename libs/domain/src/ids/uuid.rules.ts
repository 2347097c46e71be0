// Identifiers on the wire and in the database are lower-case
// (docs/device-flow.md, "Wire conventions"). Upper-case input is refused rather than folded so that
// one id never has two spellings in keys, logs or comparisons.
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a lower-case, hyphenated UUID of any version (accounts may predate UUIDv7). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}
