import { randomUUID } from 'node:crypto';
import { jobRequest, JOBS, QUEUES, type AuditRecordPayload } from '@dify/queue-contracts';
import { openTestQueue, ServiceProcess, testEnvironment, waitFor } from '@dify/testing';
import type { Queue } from 'bullmq';
import { Client } from 'pg';

const EVENTS = 1_500;
// "Within seconds": BullMQ's defaults took about a minute.
const RESUME_BOUND_MS = 15_000;

/** A worker killed with SIGKILL in the middle of a batch of audit events, then started again. */
describe('worker crash', () => {
  let audit: Queue;
  let db: Client;

  beforeAll(async () => {
    audit = openTestQueue(QUEUES.audit);
    db = new Client({ connectionString: testEnvironment().databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await audit.close();
    await db.end();
  });

  it("resumes a killed worker's jobs within seconds and writes every event exactly once", async () => {
    const requestId = `crash-${randomUUID()}`;
    const events: AuditRecordPayload[] = Array.from({ length: EVENTS }, () => ({
      eventId: randomUUID(),
      event: 'account.login_succeeded',
      occurredAt: new Date().toISOString(),
      service: 'api',
      requestId,
      subjectEmail: 'crash@example.com',
      ip: '203.0.113.7',
      payload: { client_id: 'difyctl' },
    }));
    const written = async (): Promise<number> => {
      const result = await db.query<{ count: string }>(
        'SELECT count(*) FROM audit_logs WHERE request_id = $1',
        [requestId],
      );
      return Number(result.rows[0].count);
    };

    const env = { WORKER_QUEUES: 'audit', WORKER_CONCURRENCY: 'audit=10' };
    const first = await ServiceProcess.start('worker', env);
    await audit.addBulk(events.map((event) => jobRequest(JOBS.auditRecord, event)));
    await waitFor(async () => (await written()) >= EVENTS / 5, {
      description: 'the worker to be busy with the batch',
    });
    await first.stop('SIGKILL');
    const killed = Date.now();
    const activeAtKill = (await audit.getActive()).map((job) => job.id ?? '');
    expect(activeAtKill.length).toBeGreaterThan(0);

    const second = await ServiceProcess.start('worker', env);
    try {
      await waitFor(
        async () => {
          const states = await Promise.all(activeAtKill.map((id) => audit.getJobState(id)));
          return states.every((state) => state === 'completed');
        },
        { timeoutMs: RESUME_BOUND_MS + 5_000, description: "the killed worker's jobs to finish" },
      );
      const resumeMs = Date.now() - killed;
      await waitFor(async () => (await written()) === EVENTS, {
        timeoutMs: 30_000,
        description: 'every event to be written',
      });
      process.stdout.write(
        `worker crash: ${activeAtKill.length} jobs active at SIGKILL, done ${resumeMs} ms later\n`,
      );
      expect(resumeMs).toBeLessThan(RESUME_BOUND_MS);

      const rows = await db.query<{ id: string }>(
        'SELECT id FROM audit_logs WHERE request_id = $1',
        [requestId],
      );
      expect(rows.rows).toHaveLength(EVENTS);
      expect(new Set(rows.rows.map((row) => row.id))).toEqual(
        new Set(events.map((event) => event.eventId)),
      );
      const failed = await audit.getFailed();
      expect(failed.filter((job) => job.data?.requestId === requestId)).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
