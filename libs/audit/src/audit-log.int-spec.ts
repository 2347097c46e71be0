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

  /** Concurrent writes, gathered into one statement per batch as the worker's jobs are. */
  describe('concurrent writes', () => {
    const concurrency = 8;

    beforeAll(() => auditLog.expectConcurrentWrites(concurrency));

    const batchEvent = (overrides: Partial<AuditRecordPayload> = {}): AuditRecordPayload =>
      event({
        event: 'oauth.device_flow_approved',
        subjectEmail: 'batch@example.com',
        payload: { client_id: 'difyctl', device_label: 'it "quoted" \\ label' },
        ...overrides,
      });

    /** Rows written by one statement share its transaction id, `xmin`. */
    async function statementsThatWrote(ids: readonly string[]): Promise<number> {
      const [row] = await db.query<{ n: number }[]>(
        `SELECT count(DISTINCT xmin::text)::int AS n FROM audit_logs WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return row?.n ?? 0;
    }

    it('writes as many concurrent events as the worker runs in one statement', async () => {
      const events = Array.from({ length: concurrency }, () => batchEvent());

      const outcomes = await Promise.all(events.map((e) => auditLog.write(e)));

      expect(outcomes).toEqual(events.map(() => ({ inserted: true })));
      const ids = events.map((e) => e.eventId);
      expect(await statementsThatWrote(ids)).toBe(1);
      const rows = await db.query<{ id: string; payload: unknown; subject_email: string }[]>(
        `SELECT id, payload, subject_email FROM audit_logs WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      expect(new Map(rows.map((row) => [row.id, row.payload]))).toEqual(
        new Map(events.map((e) => [e.eventId, e.payload])),
      );
      expect(rows.every((row) => row.subject_email === 'batch@example.com')).toBe(true);
    });

    it('writes a lone event after the short wait, without waiting for a full batch', async () => {
      const lone = batchEvent();

      expect(await auditLog.write(lone)).toEqual({ inserted: true });

      expect(await statementsThatWrote([lone.eventId])).toBe(1);
    });

    it('fails only the callers of a row Postgres refuses; the rest of the batch is written', async () => {
      // class-validator lets a NUL character through; jsonb cannot store one.
      const refused = batchEvent({ payload: { device_label: 'nul\u0000byte' } });
      const others = Array.from({ length: concurrency - 1 }, () => batchEvent());

      const outcomes = await Promise.allSettled([refused, ...others].map((e) => auditLog.write(e)));

      expect(outcomes[0]).toMatchObject({ status: 'rejected' });
      expect(outcomes.slice(1)).toEqual(
        others.map(() => ({ status: 'fulfilled', value: { inserted: true } })),
      );
      const written = await db.query<{ id: string }[]>(
        `SELECT id FROM audit_logs WHERE id = ANY($1::uuid[])`,
        [[refused, ...others].map((e) => e.eventId)],
      );
      expect(written.map((row) => row.id).sort()).toEqual(others.map((e) => e.eventId).sort());
    });

    it('writes one row for an event delivered twice in one batch or again later', async () => {
      const twice = batchEvent();
      const fillers = Array.from({ length: concurrency - 2 }, () => batchEvent());

      const outcomes = await Promise.all([twice, twice, ...fillers].map((e) => auditLog.write(e)));
      const redelivered = await auditLog.write(twice);

      expect(outcomes.slice(0, 2)).toEqual([{ inserted: true }, { inserted: false }]);
      expect(redelivered).toEqual({ inserted: false });
      const rows = await db.query(`SELECT id FROM audit_logs WHERE id = $1`, [twice.eventId]);
      expect(rows).toHaveLength(1);
    });
  });
});
