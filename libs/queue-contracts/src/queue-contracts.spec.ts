import { JOB_DEFINITIONS, JOBS_BY_QUEUE } from './job-definitions';
import { jobIds } from './job-ids';
import { ALL_QUEUES, JOBS } from './queue-names';
import { SCHEDULES } from './schedules';
import { InvalidJobPayloadError, validateJobPayload } from './validate-payload';

const event = {
  eventId: '0192f5c4-7b1e-7c3a-8f00-0123456789ab',
  event: 'account.login_succeeded',
  occurredAt: '2026-01-01T00:00:00.000Z',
  service: 'api',
  payload: { client_id: 'difyctl' },
};

describe('queue contracts', () => {
  it('assigns every job to exactly one queue and gives it a payload class', () => {
    const assigned = Object.values(JOBS_BY_QUEUE).flat();
    expect([...assigned].sort()).toEqual(Object.values(JOBS).sort());
    expect(Object.keys(JOB_DEFINITIONS).sort()).toEqual(Object.values(JOBS).sort());
    expect(Object.keys(JOBS_BY_QUEUE).sort()).toEqual([...ALL_QUEUES].sort());
    for (const definition of Object.values(JOB_DEFINITIONS)) {
      expect(definition.payload).toEqual(expect.any(Function));
    }
    for (const queue of ALL_QUEUES) expect(JOBS_BY_QUEUE[queue].length).toBeGreaterThan(0);
  });

  it('schedules only known jobs on their own queue, under unique ids', () => {
    expect(new Set(SCHEDULES.map((s) => s.id)).size).toBe(SCHEDULES.length);
    for (const schedule of SCHEDULES) {
      expect(JOBS_BY_QUEUE[schedule.queue] as readonly string[]).toContain(schedule.job);
    }
  });

  it('builds job ids BullMQ accepts', () => {
    const tokenId = '0192f5c4-7b1e-7c3a-8f00-0123456789ab';
    const ids = [
      jobIds.auditRecord(event.eventId),
      jobIds.mailNewDeviceSignin(tokenId, 'AbCd_-12'),
      jobIds.tokenTouch(tokenId, new Date('2026-01-01T00:00:30Z')),
    ];
    for (const id of ids) {
      expect(String(Number.parseInt(id, 10))).not.toBe(id);
      expect(id.includes(':') ? id.split(':').length : 3).toBe(3);
    }
    expect(jobIds.tokenTouch(tokenId, new Date('2026-01-01T00:00:59Z'))).toBe(ids[2]);
  });
});

describe('validateJobPayload', () => {
  it('accepts a well-formed audit event', () => {
    expect(validateJobPayload('audit.record', event)).toMatchObject(event);
  });

  it.each([
    ['a non-object', 'nope'],
    ['a missing event id', { ...event, eventId: undefined }],
    ['a malformed event name', { ...event, event: 'Login Succeeded' }],
    ['an unknown service', { ...event, service: 'cron' }],
    ['an unknown field', { ...event, token: 'dfoa_x' }],
    ['a non-ISO timestamp', { ...event, occurredAt: 'yesterday' }],
  ])('refuses %s', (_case, data) => {
    expect(() => validateJobPayload('audit.record', data)).toThrow(InvalidJobPayloadError);
  });
});
