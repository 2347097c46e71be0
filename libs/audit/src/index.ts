export * from './audit-events';
export { DEFAULT_AUDIT_BATCH_LIMITS } from './audit-log-batcher.service';
export * from './audit-log.module';
export * from './audit-log.service';
export * from './audit-sink';
export * from './audit-trail';
export * from './audit.module';
export * from './record-quietly';
