import { DEVICE_FLOW, DEVICE_FLOW_LIMITS } from './device-flow.constants';

// These numbers are promised to clients (docs/device-flow.md, "Fixed timings"); a change here
// changes the protocol.
describe('DEVICE_FLOW', () => {
  it('holds the documented timings', () => {
    expect(DEVICE_FLOW).toEqual({
      flowLifetimeSeconds: 900,
      pollIntervalSeconds: 5,
      slowDownStepSeconds: 5,
      maxPollIntervalSeconds: 60,
      approvalPickupFloorSeconds: 60,
      denialFloorSeconds: 1,
      userCodeClaimAttempts: 5,
      approvalGuardSeconds: 60,
    });
  });

  it('never lets slow_down push the interval past the approval pickup floor', () => {
    expect(DEVICE_FLOW.maxPollIntervalSeconds).toBeLessThanOrEqual(
      DEVICE_FLOW.approvalPickupFloorSeconds,
    );
  });

  it('holds the documented field limits', () => {
    expect(DEVICE_FLOW_LIMITS).toEqual({
      clientIdMaxLength: 64,
      deviceLabelMaxLength: 255,
      subjectIssuerMaxLength: 255,
    });
  });
});
