/**
 * The in-process half of "at most one touch per token per minute"
 * (docs/tokens.md, "Usage tracking"): it keeps a busy token from costing a Redis round trip on
 * every request. Bounded, dropping the entry noted longest ago, so a flood of distinct tokens
 * cannot grow the gateway's memory; forgetting a token only costs one `SET NX`, which still holds
 * the line across processes.
 */
export class TokenTouchMemo {
  // A Map iterates in insertion order; re-inserting on every note keeps the oldest entry first.
  private readonly notedAt = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly capacity: number,
  ) {}

  /**
   * True when the token was not noted within the interval before `atMs`, and notes it. A use
   * that looks older than the last note (clock skew between callers) does not note again.
   */
  claim(tokenId: string, atMs: number): boolean {
    const last = this.notedAt.get(tokenId);
    if (last !== undefined && atMs - last < this.intervalMs) return false;
    this.notedAt.delete(tokenId);
    this.notedAt.set(tokenId, atMs);
    if (this.notedAt.size > this.capacity) {
      const oldest = this.notedAt.keys().next();
      if (!oldest.done) this.notedAt.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.notedAt.size;
  }
}
