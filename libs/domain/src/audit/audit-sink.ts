/**
 * An audit event as a library describes it. The sink adds the event id, the time and the
 * service. Never put a token, code, password or other secret in any field.
 */
export interface AuditEvent {
  readonly event: string;
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
 * Where libraries send audit events. The port lives here so libraries that may not know about
 * queues (identity) can still record; each service binds it to the queue-backed trail.
 */
export abstract class AuditSink {
  /** Records the event and answers its id. */
  abstract record(event: AuditEvent): Promise<string>;
}
