import type { AuditEventName } from './audit-events';

/**
 * An audit event as a library describes it. The sink adds the event id, the time and the
 * service. Never put a token, code, password or other secret in any field.
 */
export interface AuditEvent {
  readonly event: AuditEventName;
  readonly requestId?: string;
  readonly subjectType?: string;
  readonly subjectEmail?: string;
  readonly subjectIssuer?: string;
  readonly accountId?: string;
  readonly actorAccountId?: string;
  readonly ip?: string;
  readonly payload?: Record<string, unknown>;
}

/**
 * Where libraries send audit events. Libraries depend on this port only; each service binds it
 * to the queue-backed trail with `AuditModule.forService`, and tests bind a recording double.
 */
export abstract class AuditSink {
  /** Records the event and answers its id. */
  abstract record(event: AuditEvent): Promise<string>;
}
