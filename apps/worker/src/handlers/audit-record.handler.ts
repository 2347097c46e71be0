import { Injectable } from '@nestjs/common';
import { AuditLogRepository } from '@dify/db';
import type { AuditRecordPayload } from '@dify/queue-contracts';

/** `audit.record`: one row per event id; a redelivered job finds the row and writes nothing. */
@Injectable()
export class AuditRecordHandler {
  constructor(private readonly auditLogs: AuditLogRepository) {}

  async handle(event: AuditRecordPayload): Promise<{ inserted: boolean }> {
    const inserted = await this.auditLogs.insertOnce({
      id: event.eventId,
      event: event.event,
      occurredAt: new Date(event.occurredAt),
      service: event.service,
      subjectType: event.subjectType ?? null,
      subjectEmail: event.subjectEmail ?? null,
      subjectIssuer: event.subjectIssuer ?? null,
      accountId: event.accountId ?? null,
      actorAccountId: event.actorAccountId ?? null,
      ip: event.ip ?? null,
      requestId: event.requestId ?? null,
      payload: event.payload,
    });
    return { inserted };
  }
}
