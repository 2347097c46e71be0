import { DeviceFlowError } from './device-flow.error';
import { classifyLookupError, copyFor, DEFAULT_ERROR_COPY } from './error-copy';

describe('error copy', () => {
  it('takes the code from a device or a canonical body, else from the status', () => {
    expect(DeviceFlowError.fromResponse(409, { error: 'already_resolved' }).code).toBe(
      'already_resolved',
    );
    expect(DeviceFlowError.fromResponse(401, { code: 'invalid_credentials' }).code).toBe(
      'invalid_credentials',
    );
    expect(DeviceFlowError.fromResponse(429, null).code).toBe('rate_limited');
    expect(DeviceFlowError.fromResponse(401, 'x').code).toBe('no_session');
    expect(DeviceFlowError.fromResponse(403, {}).code).toBe('forbidden');
    expect(DeviceFlowError.fromResponse(404, []).code).toBe('not_found');
    expect(DeviceFlowError.fromResponse(409, {}).code).toBe('conflict');
    expect(DeviceFlowError.fromResponse(502, {}).code).toBe('server_error');
    expect(DeviceFlowError.fromResponse(418, {}).code).toBe('unknown');
  });

  it('never shows a raw server message', () => {
    const error = DeviceFlowError.fromResponse(400, {
      error: '<img src=x onerror=alert(1)>',
      error_description: 'internal detail',
    });
    expect(error.code).toBe('unknown');
    expect(copyFor(error)).toBe(DEFAULT_ERROR_COPY);
  });

  it('maps every code to its sentence, and anything else to the default', () => {
    expect(copyFor(new DeviceFlowError('csrf_mismatch', 403))).toBe(
      'We could not verify the request. Refresh the page and try again.',
    );
    expect(copyFor(new DeviceFlowError('approval_outcome_unknown', 503))).toBe(
      'We could not confirm the approval. Check your terminal; if it is still waiting, try again.',
    );
    expect(copyFor(new DeviceFlowError('toString', 400))).toBe(DEFAULT_ERROR_COPY);
    expect(copyFor(new Error('boom'))).toBe(DEFAULT_ERROR_COPY);
  });

  it('tells a locked-out person how long to wait', () => {
    const locked = DeviceFlowError.fromResponse(429, { code: 'login_locked' }, '840');
    expect(copyFor(locked)).toBe('Too many failed sign-ins. Try again in 14 minutes.');
  });

  it('classifies lookup failures as rate limited, failed or expired', () => {
    expect(classifyLookupError(new DeviceFlowError('rate_limited', 429))).toBe('rate_limited');
    expect(classifyLookupError(new DeviceFlowError('server_error', 502))).toBe('failed');
    expect(classifyLookupError(new DeviceFlowError('invalid_request', 400))).toBe('expired');
    expect(classifyLookupError(new TypeError('network'))).toBe('expired');
  });
});
