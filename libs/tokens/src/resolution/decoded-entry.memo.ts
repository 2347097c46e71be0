import type { ResolvedBearer } from './resolved-bearer';

interface Remembered {
  readonly text: string;
  readonly bearer: ResolvedBearer;
}

/**
 * The last decoded positive cache entry per token hash, in this process, so a token presented
 * again with the very same entry text is not parsed and validated again (JSON and the checks of
 * `decodeBearerEntry` were a few per cent of the gateway's CPU on a cached bearer). It remembers
 * a decoding, not a decision: every request still reads the entry from Redis, and any other text
 * there (a tombstone, a rewritten entry) is decoded afresh, so revocation takes effect exactly as
 * before; expiry is still checked against the clock on every request. Bounded, dropping the entry
 * remembered longest ago.
 */
export class DecodedEntryMemo {
  private readonly entries = new Map<string, Remembered>();

  constructor(private readonly capacity: number) {}

  /** The bearer decoded from exactly this text for this hash, if remembered. */
  get(tokenHash: string, text: string): ResolvedBearer | undefined {
    const remembered = this.entries.get(tokenHash);
    return remembered?.text === text ? remembered.bearer : undefined;
  }

  remember(tokenHash: string, text: string, bearer: ResolvedBearer): void {
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, { text, bearer: Object.freeze(bearer) });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  forget(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  get size(): number {
    return this.entries.size;
  }
}
