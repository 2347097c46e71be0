/**
 * Where random bytes come from. Production always uses a CSPRNG (docs/device-flow.md, "Wire
 * conventions"): `crypto.randomBytes`, or `pooledRandomBytes`, which buffers it; the parameter
 * exists so tests can pin bytes and check bit layout and rejection sampling.
 */
export type RandomBytesSource = (size: number) => Uint8Array;
