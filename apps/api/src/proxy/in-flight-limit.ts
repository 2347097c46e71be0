/**
 * Concurrent requests per client address: what one client may hold of the gateway's proxy at
 * once, however slowly it sends. A released slot is forgotten, so the map holds only clients
 * with a request in flight.
 */
export class InFlightLimit {
  private readonly counts = new Map<string, number>();

  constructor(private readonly perClient: number) {}

  /** Takes a slot for the client; false when it already holds all of its own. */
  acquire(client: string): boolean {
    const held = this.counts.get(client) ?? 0;
    if (held >= this.perClient) return false;
    this.counts.set(client, held + 1);
    return true;
  }

  release(client: string): void {
    const held = this.counts.get(client) ?? 0;
    if (held <= 1) this.counts.delete(client);
    else this.counts.set(client, held - 1);
  }
}
