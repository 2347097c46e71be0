import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { DbModule } from '@dify/db';
import type { AuditRecordPayload } from '@dify/queue-contracts';
import { testEnvironment } from '@dify/testing';
import { DataSource } from 'typeorm';
import { AuditLogModule } from './audit-log.module';
import { AuditLogService } from './audit-log.service';

/** Concurrent audit writes against the real, migrated `audit_logs` table. */
describe('AuditLogService, concurrent writes', () => {
  const concurrency = 8;
  let module: TestingModule;
  let auditLog: AuditLogService;
  let db: DataSource;

  beforeAll(async () => {
    module = await Test.createTestingModule({
      imports: [
        DbModule.forRoot({
          url: testEnvironment().databaseUrl,
          poolMax: 3,
          applicationName: 'audit-batch-test',
        }),
        AuditLogModule,
      ],
    }).compile();
    await module.init();
    auditLog = module.get(AuditLogService);
    auditLog.expectConcurrentWrites(concurrency);
    db = module.get(DataSource);
  });

  afterAll(() => module.close());

  function event(overrides: Partial<AuditRecordPayload> = {}): AuditRecordPayload {
    return {
      eventId: randomUUID(),
      event: 'oauth.device_flow_approved',
      occurredAt: '2026-12-02T09:00:00.000Z',
      service: 'auth',
      requestId: `req-${randomUUID()}`,
      subjectEmail: 'batch@example.com',
      payload: { client_id: 'difyctl', device_label: 'it "quoted" \\ label' },
      ...overrides,
    };
  }

  /** Rows written by one statement share its transaction id, `xmin`. */
  async function statementsThatWrote(ids: readonly string[]): Promise<number> {
    const [row] = await db.query<{ n: number }[]>(
      `SELECT count(DISTINCT xmin::text)::int AS n FROM audit_logs WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return row?.n ?? 0;
  }

  it('writes as many concurrent events as the worker runs in one statement', async () => {
    const events = Array.from({ length: concurrency }, () => event());

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
    const lone = event();

    expect(await auditLog.write(lone)).toEqual({ inserted: true });

    expect(await statementsThatWrote([lone.eventId])).toBe(1);
  });

  it('fails only the callers of a row Postgres refuses; the rest of the batch is written', async () => {
    // class-validator lets a NUL character through; jsonb cannot store one.
    const refused = event({ payload: { device_label: 'nul\u0000byte' } });
    const others = Array.from({ length: concurrency - 1 }, () => event());

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
    const twice = event();
    const fillers = Array.from({ length: concurrency - 2 }, () => event());

    const outcomes = await Promise.all([twice, twice, ...fillers].map((e) => auditLog.write(e)));
    const redelivered = await auditLog.write(twice);

    expect(outcomes.slice(0, 2)).toEqual([{ inserted: true }, { inserted: false }]);
    expect(redelivered).toEqual({ inserted: false });
    const rows = await db.query(`SELECT id FROM audit_logs WHERE id = $1`, [twice.eventId]);
    expect(rows).toHaveLength(1);
  });
});
