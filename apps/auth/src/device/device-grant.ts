import { ApiError } from '@dify/http-edge';
import type { DeviceRequestBody } from './device-request-body';
import { invalidRequest } from './device-request-body';

/** RFC 8628 §3.4 grant type; the only one the token endpoint serves. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * The grant-type rules of the two dialects: difyctl's JSON may omit it, RFC 8628's form must
 * carry it, and a present but different value is `unsupported_grant_type` in either.
 */
export function assertDeviceCodeGrant(body: DeviceRequestBody): void {
  const grantType = body.get('grant_type');
  if (grantType === undefined) {
    if (body.dialect === 'form') throw invalidRequest('grant_type is required');
    return;
  }
  if (typeof grantType !== 'string') throw invalidRequest('grant_type must be a string');
  if (grantType !== DEVICE_CODE_GRANT_TYPE) {
    throw new ApiError(400, 'unsupported_grant_type', 'unsupported grant_type');
  }
}
