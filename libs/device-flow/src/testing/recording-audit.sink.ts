import { type AuditEvent, AuditSink } from '@dify/audit';

/**
 * A test double of the audit port only: it keeps what was recorded so tests can assert on it, and
 * can be told to fail like a queue outage. Postgres, Redis and BullMQ are never faked.
 */
export class RecordingAuditSink extends AuditSink {
  readonly events: AuditEvent[] = [];
  failing = false;

  record(event: AuditEvent): Promise<string> {
    if (this.failing) return Promise.reject(new Error('audit queue unavailable'));
    this.events.push(event);
    return Promise.resolve(`event-${this.events.length}`);
  }

  /** Events of one name. */
  named(event: string): AuditEvent[] {
    return this.events.filter((recorded) => recorded.event === event);
  }
}
