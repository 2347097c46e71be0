import { generateUuidV7 } from '@dify/domain';
import {
  type AuditRecordPayload,
  type AuditService,
  enqueue,
  type JobQueue,
  JOBS,
} from '@dify/queue-contracts';
import { type AuditEvent, AuditSink } from './audit-sink';

/** The part of a pino logger the audit trail needs. */
export interface AuditLogSink {
  info(fields: Record<string, unknown>, message: string): void;
}

/**
 * Records audit events: one JSON log line with `audit: true`, and an `audit.record` job whose id
 * is the event id so the worker writes exactly one row. Call it after the change it describes
 * has committed.
 */
export class AuditTrail extends AuditSink {
  constructor(
    private readonly queue: JobQueue,
    private readonly service: AuditService,
    private readonly logger: AuditLogSink,
    private readonly now: () => Date = () => new Date(),
  ) {
    super();
  }

  async record(input: AuditEvent): Promise<string> {
    const record: AuditRecordPayload = {
      ...input,
      eventId: generateUuidV7(),
      occurredAt: this.now().toISOString(),
      service: this.service,
      payload: input.payload ?? {},
    };
    this.logger.info(auditLogFields(record), record.event);
    await enqueue(this.queue, JOBS.auditRecord, record);
    return record.eventId;
  }
}

/**
 * The audit line under the names the audit trail is read by (`event_id`, `request_id`, …, the
 * same names as the `audit_logs` columns), with the event's own fields beside them. A common
 * field the event does not have is left out rather than logged as null.
 */
function auditLogFields(record: AuditRecordPayload): Record<string, unknown> {
  const common: Record<string, unknown> = {
    audit: true,
    event: record.event,
    event_id: record.eventId,
    occurred_at: record.occurredAt,
    service: record.service,
    request_id: record.requestId,
    subject_type: record.subjectType,
    subject_email: record.subjectEmail,
    subject_issuer: record.subjectIssuer,
    account_id: record.accountId,
    actor_account_id: record.actorAccountId,
    ip: record.ip,
  };
  for (const key of Object.keys(common)) {
    if (common[key] === undefined) delete common[key];
  }
  return { ...record.payload, ...common };
}
