/**
 * Queue and job names as they travel through Redis. They are wire names: renaming one strands
 * every job already enqueued under the old name, so change them only with a migration plan.
 */
export const QUEUES = {
  audit: 'audit',
  mail: 'mail',
  tokenUsage: 'token-usage',
  maintenance: 'maintenance',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUES);

/** Wire names of jobs; see the warning on QUEUES. */
export const JOBS = {
  auditRecord: 'audit.record',
  mailNewDeviceSignin: 'mail.new-device-signin',
  tokenTouch: 'token.touch',
  tokensPurgeRetention: 'tokens.purge-retention',
  licenseRefresh: 'license.refresh',
  auditPurgeRetention: 'audit.purge-retention',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];
