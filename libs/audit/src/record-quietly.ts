import { Logger } from '@nestjs/common';
import type { AuditEvent, AuditSink } from './audit-sink';

const logger = new Logger('Audit');

/**
 * Records an audit event after the change it describes has happened. A queue outage must not
 * undo or fail that change (a sign-in, an issued token, a published decision), so a failed
 * enqueue is logged — the JSON audit line is already out — and the caller carries on.
 */
export async function recordQuietly(audit: AuditSink, event: AuditEvent): Promise<void> {
  try {
    await audit.record(event);
  } catch (error) {
    logger.error({ err: error, event: event.event }, 'audit event could not be enqueued');
  }
}
