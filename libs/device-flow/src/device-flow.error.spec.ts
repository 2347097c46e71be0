import { DomainError } from '@dify/domain';
import {
  DEVICE_ERROR_CODES,
  DEVICE_ERROR_STATUSES,
  DeviceFlowError,
  isDeviceErrorCode,
} from './device-flow.error';

describe('device error codes', () => {
  it('give every code exactly one status, and no status to anything else', () => {
    expect(Object.keys(DEVICE_ERROR_STATUSES).sort()).toEqual(
      Object.values(DEVICE_ERROR_CODES).sort(),
    );
    expect(isDeviceErrorCode('state_lost')).toBe(true);
    expect(isDeviceErrorCode('toString')).toBe(false);
    expect(isDeviceErrorCode('internal_server_error')).toBe(false);
  });

  it.each([
    ['invalid_request', 400],
    ['unsupported_client', 400],
    ['invalid_grant', 400],
    ['authorization_pending', 400],
    ['slow_down', 400],
    ['access_denied', 400],
    ['expired_token', 400],
    ['expired_or_unknown', 404],
    ['already_resolved', 409],
    ['approve_in_progress', 409],
    ['state_lost', 409],
    ['rate_limited', 429],
    ['server_error', 500],
    ['approval_outcome_unknown', 503],
    ['bearer_auth_disabled', 503],
    ['user_code_exhausted', 503],
  ] as const)('maps %s to %d', (code, status) => {
    expect(DEVICE_ERROR_STATUSES[code]).toBe(status);
  });

  it('is a DomainError whose code is the wire code and whose message is safe to send', () => {
    const error = new DeviceFlowError(DEVICE_ERROR_CODES.approveInProgress);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('approve_in_progress');
    expect(error.name).toBe('DeviceFlowError');
    expect(error.message).toMatch(/^[\x20-\x7e]*$/);
    expect(error.message).not.toMatch(/["\\]/);
  });
});
