import { validateJobPayload } from '@dify/queue-contracts';
import { AUDIT_EVENTS } from './audit-events';

describe('AUDIT_EVENTS', () => {
  const names = Object.values(AUDIT_EVENTS);

  it('gives every event its own wire name', () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(names)('%s is a name the worker accepts', (event) => {
    const record = {
      eventId: '0192f5c4-7b1e-7c3a-8f00-0123456789ab',
      event,
      occurredAt: '2026-01-01T00:00:00.000Z',
      service: 'api',
      payload: {},
    };
    expect(validateJobPayload('audit.record', record)).toMatchObject({ event });
  });
});
