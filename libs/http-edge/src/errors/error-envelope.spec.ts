import { toDeviceEnvelope } from './device-envelope';
import { serviceUnavailableEnvelope } from './error-envelope';

describe('the 503 envelopes', () => {
  it('is service_unavailable in the canonical envelope', () => {
    expect(serviceUnavailableEnvelope()).toMatchObject({
      code: 'service_unavailable',
      status: 503,
    });
  });

  it('is temporarily_unavailable in the device envelope', () => {
    expect(toDeviceEnvelope(serviceUnavailableEnvelope(), false)).toEqual({
      status: 503,
      body: { error: 'temporarily_unavailable' },
    });
  });
});
