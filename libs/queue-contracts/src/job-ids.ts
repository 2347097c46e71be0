/**
 * Job ids that make enqueueing idempotent: BullMQ ignores an add whose id already exists.
 * BullMQ refuses ids that are plain integers or hold a colon other than in exactly three parts.
 */
export const jobIds = {
  /** The event id itself: one audit row per event, however often it is enqueued. */
  auditRecord: (eventId: string): string => eventId,
  /** One mail per approval transition. */
  mailNewDeviceSignin: (tokenId: string, transitionId: string): string =>
    `new-device-signin:${tokenId}:${transitionId}`,
  /** At most one touch per token per minute, even if two gateways race. */
  tokenTouch: (tokenId: string, usedAt: Date): string =>
    `touch-${tokenId}-${Math.floor(usedAt.getTime() / 60_000)}`,
} as const;
