import { Module } from '@nestjs/common';
import { AuditLogBatcher } from './audit-log-batcher.service';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';

/**
 * The consumer side of audit, for the worker only: the one writer of `audit_logs`. Needs the
 * global DataSource (DbModule).
 */
@Module({
  providers: [AuditLogBatcher, AuditLogRepository, AuditLogService],
  exports: [AuditLogService],
})
export class AuditLogModule {}
