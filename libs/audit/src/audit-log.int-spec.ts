import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { DbModule } from '@dify/db';
import type { AuditRecordPayload } from '@dify/queue-contracts';
import { testEnvironment } from '@dify/testing';
import { DataSource } from 'typeorm';
import { AuditLogModule } from './audit-log.module';
import { AuditLogService } from './audit-log.service';

/** The worker's side of audit against the real, migrated `audit_logs` table. */
describe('AuditLogService', () => {
  let module: TestingModule;
  let auditLog: AuditLogService;
  let db: DataSource;

  beforeAll(async () => {
    module = await Test.createTestingModule({
      imports: [
        DbModule.forRoot({
          url: testEnvironment().databaseUrl,
          poolMax: 3,
          applicationName: 'audit-test',
        }),
        AuditLogModule,
      ],
    }).compile();
    await module.init();
    auditLog = module.get(AuditLogService);
    db = module.get(DataSource);
  });

  afterAll(() => module.close());

  function event(overrides: Partial<AuditRecordPayload> = {}): AuditRecordPayload {
    return {
      eventId: randomUUID(),
      event: 'oauth.token_revoked',
      occurredAt: '2026-12-01T10:00:00.000Z',
      service: 'auth',
      requestId: 'req-audit-int',
      accountId: randomUUID(),
      ip: '203.0.113.9',
      payload: { token_id: randomUUID(), via: 'self' },
      ...overrides,
    };
  }

  it('writes an event as one row, and a second delivery of it as nothing', async () => {
    const recorded = event();

    expect(await auditLog.write(recorded)).toEqual({ inserted: true });
    expect(await auditLog.write(recorded)).toEqual({ inserted: false });

    const rows = await db.query(`SELECT * FROM audit_logs WHERE id = $1`, [recorded.eventId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event: 'oauth.token_revoked',
      service: 'auth',
      request_id: 'req-audit-int',
      account_id: recorded.accountId,
      actor_account_id: null,
      subject_email: null,
      ip: '203.0.113.9',
      payload: recorded.payload,
    });
    expect(new Date(rows[0].occurred_at as string).toISOString()).toBe(recorded.occurredAt);
  });

  it('purges, in batches, only the events older than the retention', async () => {
    // Dates long before anything else in the run's database, so only this test's rows qualify.
    const now = new Date('2001-03-01T00:00:00.000Z');
    const requestId = `purge-${randomUUID()}`;
    await db.query(
      `INSERT INTO audit_logs (id, event, occurred_at, service, request_id, payload)
       SELECT gen_random_uuid(), 'oauth.token_expired', '2001-01-01T00:00:00Z', 'worker', $1, '{}'
         FROM generate_series(1, 2500)`,
      [requestId],
    );
    const kept = event({ occurredAt: '2001-02-25T00:00:00.000Z', requestId });
    await auditLog.write(kept);

    const outcome = await auditLog.purge(now, 30);

    expect(outcome).toEqual({ cutoff: '2001-01-30T00:00:00.000Z', deleted: 2500 });
    const left = await db.query(`SELECT id FROM audit_logs WHERE request_id = $1`, [requestId]);
    expect(left).toEqual([{ id: kept.eventId }]);
  });
});
