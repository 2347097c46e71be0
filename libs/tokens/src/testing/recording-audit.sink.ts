import { type AuditEvent, AuditSink } from '@dify/audit';

/**
 * A test double of the audit port only: it keeps what was recorded so tests can assert on it,
 * and can be told to fail like a queue outage. Postgres and Redis are never faked.
 */
export class RecordingAuditSink extends AuditSink {
  readonly events: AuditEvent[] = [];
  failing = false;

  async record(event: AuditEvent): Promise<string> {
    if (this.failing) throw new Error('audit queue unavailable');
    this.events.push(event);
    return Promise.resolve(`event-${this.events.length}`);
  }

  /** Events of one name about one token (by `payload.token_id`). */
  about(event: string, tokenId: string): AuditEvent[] {
    return this.events.filter((e) => e.event === event && e.payload?.token_id === tokenId);
  }
}
