import { randomUUID } from 'node:crypto';
import { AuditTrail } from '@dify/audit';
import { dataSourceOptions } from '@dify/db';
import {
  DEFAULT_JOB_OPTIONS,
  enqueue,
  JOBS,
  QUEUES,
  type AuditRecordPayload,
} from '@dify/queue-contracts';
import { openTestQueue, ServiceProcess, testEnvironment, waitFor } from '@dify/testing';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

/**
 * The audit path across real processes: this test produces like api/auth do, a worker process
 * built from dist/ consumes, and Postgres is checked directly.
 */
describe('audit pipeline (worker process)', () => {
  let db: DataSource;
  let audit: Queue;
  let maintenance: Queue;
  let worker: ServiceProcess;

  const silentLog = { info: () => undefined };

  beforeAll(async () => {
    db = new DataSource(
      dataSourceOptions({ url: testEnvironment().databaseUrl, poolMax: 3, applicationName: 'e2e' }),
    );
    await db.initialize();
    audit = openTestQueue(QUEUES.audit);
    maintenance = openTestQueue(QUEUES.maintenance);
    worker = await ServiceProcess.start('worker', { AUDIT_LOG_RETENTION_DAYS: '30' });
  });

  afterAll(async () => {
    await worker?.stop();
    await audit.close();
    await maintenance.close();
    await db.destroy();
  });

  const rowsFor = async (eventId: string) =>
    await db.query(`SELECT * FROM audit_logs WHERE id = $1`, [eventId]);

  function event(overrides: Partial<AuditRecordPayload> = {}): AuditRecordPayload {
    return {
      eventId: randomUUID(),
      event: 'account.login_succeeded',
      occurredAt: new Date().toISOString(),
      service: 'api',
      requestId: 'req-e2e',
      subjectEmail: 'someone@example.com',
      ip: '203.0.113.9',
      payload: { client_id: 'difyctl' },
      ...overrides,
    };
  }

  it('writes a produced event as one audit row', async () => {
    const trail = new AuditTrail(audit, 'auth', silentLog);
    const eventId = await trail.record({
      event: 'oauth.device_flow_denied',
      requestId: 'req-1',
      actorAccountId: randomUUID(),
      payload: { client_id: 'difyctl', device_label: 'laptop' },
    });

    const [row] = await waitFor(async () => {
      const rows = await rowsFor(eventId);
      return rows.length === 1 && rows;
    });
    expect(row).toMatchObject({
      id: eventId,
      event: 'oauth.device_flow_denied',
      service: 'auth',
      request_id: 'req-1',
      payload: { client_id: 'difyctl', device_label: 'laptop' },
    });
  });

  it('leaves one row when the same event is delivered twice', async () => {
    const payload = event();
    // Same job id: BullMQ keeps one job. Different job id: a true redelivery the row absorbs.
    const original = await enqueue(audit, JOBS.auditRecord, payload);
    await enqueue(audit, JOBS.auditRecord, payload);
    const redelivery = await audit.add(JOBS.auditRecord, payload, {
      jobId: `again-${payload.eventId}`,
    });

    const jobs = [original, redelivery];
    await waitFor(
      async () => (await Promise.all(jobs.map((job) => job.getState()))).every(isCompleted),
      { description: 'both deliveries to complete' },
    );
    expect(await rowsFor(payload.eventId)).toHaveLength(1);
    // The worker runs jobs concurrently, so either delivery may be the one that wrote the row;
    // exactly one did, and the other found it there.
    const outcomes = await Promise.all(
      jobs.map(async (job) => (await audit.getJob(job.id ?? ''))?.returnvalue as unknown),
    );
    expect(outcomes).toEqual(expect.arrayContaining([{ inserted: true }, { inserted: false }]));
  });

  it('fails an invalid payload at once, without retrying it', async () => {
    const invalid = { ...event(), eventId: 'not-a-uuid', token: 'dfoa_secret' };
    const job = await audit.add(JOBS.auditRecord, invalid, { ...DEFAULT_JOB_OPTIONS.audit });

    await waitFor(async () => (await job.getState()) === 'failed');
    const failed = await audit.getJob(job.id ?? '');
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/invalid audit.record payload/);
    expect(
      await db.query(`SELECT 1 FROM audit_logs WHERE request_id = 'req-e2e' AND payload ? 'token'`),
    ).toEqual([]);
  });

  it('purges audit rows older than the retention', async () => {
    const old = event({ occurredAt: new Date(Date.now() - 31 * 86_400_000).toISOString() });
    const recent = event({ occurredAt: new Date(Date.now() - 29 * 86_400_000).toISOString() });
    for (const payload of [old, recent]) {
      await enqueue(audit, JOBS.auditRecord, payload);
    }
    await waitFor(
      async () =>
        (await rowsFor(recent.eventId)).length === 1 && (await rowsFor(old.eventId)).length === 1,
    );

    const purge = await enqueue(maintenance, JOBS.auditPurgeRetention, {});
    await waitFor(async () => (await purge.getState()) === 'completed');

    expect(await rowsFor(old.eventId)).toHaveLength(0);
    expect(await rowsFor(recent.eventId)).toHaveLength(1);
  });

  it('finishes the job in flight on SIGTERM, then exits 0', async () => {
    const drainingWorker = await ServiceProcess.start('worker', { WORKER_QUEUES: 'audit' });
    // Hold a lock on audit_logs so the worker's insert blocks: a job that is provably in flight.
    const lock = db.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    await lock.query('LOCK TABLE audit_logs IN ACCESS EXCLUSIVE MODE');
    try {
      await worker.stop();
      const payload = event();
      const job = await enqueue(audit, JOBS.auditRecord, payload);
      await waitFor(async () => (await job.getState()) === 'active', {
        description: 'the job to be in flight',
      });

      const stopping = drainingWorker.stop('SIGTERM');
      await waitFor(() => drainingWorker.lines.some((line) => line.includes('SIGTERM received')));
      await lock.commitTransaction();

      expect(await stopping).toEqual({ code: 0, signal: null });
      expect(await job.getState()).toBe('completed');
      expect(await rowsFor(payload.eventId)).toHaveLength(1);
    } finally {
      if (lock.isTransactionActive) await lock.rollbackTransaction();
      await lock.release();
      await drainingWorker.stop('SIGKILL');
    }
  });
});

function isCompleted(state: string): boolean {
  return state === 'completed';
}
