import type { JobName } from './queue-names';
import { AuditRecordPayload } from './payloads/audit-record.payload';
import { MaintenancePayload } from './payloads/maintenance.payload';
import { MailNewDeviceSigninPayload } from './payloads/mail-new-device-signin.payload';
import { TokenTouchPayload } from './payloads/token-touch.payload';

/** The payload class of every job; producers build it, consumers validate against it again. */
export const JOB_PAYLOADS = {
  'audit.record': AuditRecordPayload,
  'mail.new-device-signin': MailNewDeviceSigninPayload,
  'token.touch': TokenTouchPayload,
  'tokens.purge-retention': MaintenancePayload,
  'license.refresh': MaintenancePayload,
  'audit.purge-retention': MaintenancePayload,
} as const satisfies Readonly<Record<JobName, new () => object>>;

export type PayloadOf<J extends JobName> = InstanceType<(typeof JOB_PAYLOADS)[J]>;
