import type { AuditEvent, AuditSink } from '@dify/domain';
import { Logger } from '@nestjs/common';

const logger = new Logger('TokenAudit');

/**
 * Records an audit event after the change it describes has committed. A queue outage must not
 * undo or fail that change (contract §5.4 step 10), so a failed enqueue is logged and the caller
 * carries on.
 */
export async function recordQuietly(audit: AuditSink, event: AuditEvent): Promise<void> {
  try {
    await audit.record(event);
  } catch (error) {
    logger.error({ err: error, event: event.event }, 'audit event could not be enqueued');
  }
}
