/**
 * Where random bytes come from. Production always uses `crypto.randomBytes` (a CSPRNG,
 * docs/device-flow.md, "Wire conventions"); the parameter exists so tests can pin bytes and check
 * bit layout and rejection sampling.
 */
export type RandomBytesSource = (size: number) => Uint8Array;
