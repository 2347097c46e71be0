import {
  enqueue,
  jobRequest,
  type JobQueue,
  type JobRequestOptions,
  WrongQueueError,
} from './enqueue';
import { DEFAULT_JOB_OPTIONS } from './job-options';
import { JOBS, QUEUES } from './queue-names';
import { scheduledJob, SCHEDULES } from './schedules';

/** Collects what a producer hands to the queue; the queue itself is exercised end to end. */
class RecordingQueue implements JobQueue<string> {
  readonly added: { name: string; data: unknown; opts: JobRequestOptions }[] = [];

  constructor(readonly name: string) {}

  add(name: string, data: unknown, opts: JobRequestOptions): Promise<string> {
    this.added.push({ name, data, opts });
    return Promise.resolve(`job-${this.added.length}`);
  }
}

const tokenId = '0192f5c4-7b1e-7c3a-8f00-0123456789ab';

describe('jobRequest', () => {
  it('keys an audit event by its event id, with the audit options', () => {
    const event = {
      eventId: '0192f5c4-7b1e-7c3a-8f00-0123456789ac',
      event: 'oauth.token_revoked',
      occurredAt: '2026-01-01T00:00:00.000Z',
      service: 'auth' as const,
      payload: {},
    };

    expect(jobRequest(JOBS.auditRecord, event)).toEqual({
      name: 'audit.record',
      data: event,
      opts: {
        attempts: 8,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: { age: 3_600, count: 1_000 },
        removeOnFail: { age: 604_800 },
        jobId: '0192f5c4-7b1e-7c3a-8f00-0123456789ac',
      },
    });
  });

  it('keys a new-device mail by token and approval transition, with the mail options', () => {
    const mail = {
      accountId: '0192f5c4-7b1e-7c3a-8f00-0123456789ad',
      tokenId,
      transitionId: 'AbCd_-12',
      clientId: 'difyctl',
      deviceLabel: 'laptop',
      approvedAt: '2026-01-01T00:00:00.000Z',
    };

    const request = jobRequest(JOBS.mailNewDeviceSignin, mail);

    expect(request.opts).toEqual({
      ...DEFAULT_JOB_OPTIONS.mail,
      jobId: `new-device-signin:${tokenId}:AbCd_-12`,
    });
    expect(request.opts.attempts).toBe(5);
  });

  it('gives the touches of one token in one minute one id, and the next minute another', () => {
    const touch = (usedAt: string) => jobRequest(JOBS.tokenTouch, { tokenId, usedAt }).opts;

    expect(touch('2026-01-01T00:00:00.000Z').jobId).toBe(touch('2026-01-01T00:00:59.999Z').jobId);
    expect(touch('2026-01-01T00:01:00.000Z').jobId).not.toBe(
      touch('2026-01-01T00:00:59.999Z').jobId,
    );
    expect(touch('2026-01-01T00:00:30.000Z')).toEqual({
      ...DEFAULT_JOB_OPTIONS['token-usage'],
      jobId: `touch-${tokenId}-29453760`,
    });
  });

  it('leaves maintenance jobs without an id, so every request is a run', () => {
    const { opts } = jobRequest(JOBS.auditPurgeRetention, { requestId: 'req-1' });

    expect(opts).toEqual(DEFAULT_JOB_OPTIONS.maintenance);
    expect(opts).not.toHaveProperty('jobId');
  });

  it('hands out a copy of the options, never the shared defaults', () => {
    const first = jobRequest(JOBS.licenseRefresh, {});

    expect(first.opts).not.toBe(DEFAULT_JOB_OPTIONS.maintenance);
    expect(first.opts).toEqual(jobRequest(JOBS.licenseRefresh, {}).opts);
  });
});

describe('enqueue', () => {
  it('adds the job its definition describes and answers what the queue answered', async () => {
    const queue = new RecordingQueue(QUEUES.tokenUsage);
    const payload = { tokenId, usedAt: '2026-01-01T00:00:30.000Z' };

    expect(await enqueue(queue, JOBS.tokenTouch, payload)).toBe('job-1');
    expect(queue.added).toEqual([
      { name: 'token.touch', data: payload, opts: jobRequest(JOBS.tokenTouch, payload).opts },
    ]);
  });

  it('refuses a queue other than the job travels on, before adding anything', async () => {
    const queue = new RecordingQueue(QUEUES.audit);

    await expect(
      enqueue(queue, JOBS.tokenTouch, { tokenId, usedAt: '2026-01-01T00:00:30.000Z' }),
    ).rejects.toThrow(new WrongQueueError(JOBS.tokenTouch, QUEUES.tokenUsage, QUEUES.audit));
    expect(queue.added).toEqual([]);
  });
});

describe('scheduledJob', () => {
  it('gives every schedule its job with an empty payload and its queue options, no id', () => {
    for (const entry of SCHEDULES) {
      expect(scheduledJob(entry)).toEqual({
        name: entry.job,
        data: {},
        opts: DEFAULT_JOB_OPTIONS[entry.queue],
      });
    }
  });
});
