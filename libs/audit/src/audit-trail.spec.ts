import type { JobQueue, JobRequestOptions } from '@dify/queue-contracts';
import { AuditTrail } from './audit-trail';

/** Collects what the trail hands to the queue; the queue itself is exercised end to end. */
class RecordingQueue implements JobQueue {
  readonly name = 'audit';
  readonly added: { name: string; data: unknown; options: JobRequestOptions }[] = [];

  add(name: string, data: unknown, options: JobRequestOptions): Promise<unknown> {
    this.added.push({ name, data, options });
    return Promise.resolve({});
  }
}

describe('AuditTrail', () => {
  it('writes the audit line under snake_case names, with the event fields beside them', async () => {
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    const queue = new RecordingQueue();
    const trail = new AuditTrail(
      queue,
      'auth',
      { info: (fields, message) => lines.push({ fields, message }) },
      () => new Date('2026-12-01T10:00:00.000Z'),
    );

    const eventId = await trail.record({
      event: 'oauth.token_revoked',
      requestId: 'req-1',
      accountId: '0190c3f2-8a7b-7c3d-9e1f-0a1b2c3d4e5f',
      ip: '203.0.113.9',
      payload: { token_id: '0190c3f2-8a7b-7c3d-9e1f-0a1b2c3d4e60', via: 'self' },
    });

    expect(lines).toEqual([
      {
        message: 'oauth.token_revoked',
        fields: {
          audit: true,
          event: 'oauth.token_revoked',
          event_id: eventId,
          occurred_at: '2026-12-01T10:00:00.000Z',
          service: 'auth',
          request_id: 'req-1',
          account_id: '0190c3f2-8a7b-7c3d-9e1f-0a1b2c3d4e5f',
          ip: '203.0.113.9',
          token_id: '0190c3f2-8a7b-7c3d-9e1f-0a1b2c3d4e60',
          via: 'self',
        },
      },
    ]);
    // The job keeps its own (camelCase) payload contract with the worker, keyed by the event id.
    expect(queue.added).toMatchObject([
      { name: 'audit.record', data: { eventId, requestId: 'req-1' }, options: { jobId: eventId } },
    ]);
  });
});
