import type { AuditEvent, AuditSink } from '@dify/domain';
import { Logger } from '@nestjs/common';

const logger = new Logger('DeviceFlowAudit');

/**
 * Records an audit event after the change it describes has happened. A queue outage must not
 * undo or fail a token that was already issued or a decision already published, so a failed
 * enqueue is logged and the caller carries on (contract §5.4 step 10).
 */
export async function recordQuietly(audit: AuditSink, event: AuditEvent): Promise<void> {
  try {
    await audit.record(event);
  } catch (error) {
    logger.error({ err: error, event: event.event }, 'audit event could not be enqueued');
  }
}
