import { createHash } from 'node:crypto';
import { approvalGuardId, deviceFlowKey } from './device-flow.keys';

describe('device-flow keys', () => {
  it('names keys exactly as documented', () => {
    expect(deviceFlowKey.deviceCode('dc_x')).toBe('device_code:dc_x');
    expect(deviceFlowKey.userCode('ABCD-EFGH')).toBe('user_code:ABCD-EFGH');
    expect(deviceFlowKey.approvalGuard('ab')).toBe('oauth_device:approval_guard:ab');
  });

  it('derives the guard id from the NUL-joined device identity', () => {
    const expected = createHash('sha256')
      .update('ada@example.com\0dify:account\0difyctl\0laptop')
      .digest('hex');
    expect(approvalGuardId('ada@example.com', 'difyctl', 'laptop')).toBe(expected);
  });

  it('gives one guard per identity, whatever the email case, and another for another label', () => {
    const guard = approvalGuardId(' Ada@Example.com ', 'difyctl', 'laptop');
    expect(guard).toBe(approvalGuardId('ada@example.com', 'difyctl', 'laptop'));
    expect(guard).not.toBe(approvalGuardId('ada@example.com', 'difyctl', 'laptop2'));
    expect(approvalGuardId('a', 'bc', 'd')).not.toBe(approvalGuardId('ab', 'c', 'd'));
  });
});
