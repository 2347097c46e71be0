import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import {
  deviceErrorCode,
  malformedAnswer,
  rateLimited,
  retryAfterSeconds,
  serverFailure,
  unexpectedStatus,
  upgradeRequired,
} from '../http/answer.rules';
import type { HttpSend } from '../http/http-client';
import { NetworkError } from '../http/network.error';
import { type DeviceCode, parseDeviceCode } from '../wire/device-code.parser';
import { parseTokenGrant } from '../wire/token-grant.parser';
import type { PollAnswer } from './poll-answer';

export const CLIENT_ID = 'difyctl';
const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
const CODE_PATH = '/openapi/v1/oauth/device/code';
const TOKEN_PATH = '/openapi/v1/oauth/device/token';

const SETTLED_ERRORS = new Set([
  'authorization_pending',
  'slow_down',
  'expired_token',
  'access_denied',
  'invalid_grant',
]);

/** The two device-flow requests the CLI makes, in difyctl's JSON dialect. */
export class DeviceFlowClient {
  constructor(private readonly send: HttpSend) {}

  /** Asks for a device code and user code for this device. */
  async requestCode(deviceLabel: string): Promise<DeviceCode> {
    let answer;
    try {
      answer = await this.send({
        method: 'POST',
        path: CODE_PATH,
        json: { client_id: CLIENT_ID, device_label: deviceLabel },
      });
    } catch (error) {
      if (error instanceof NetworkError) {
        throw new CliError(
          'network_error',
          `cannot reach the server: ${error.message}`,
          EXIT_CODE.generic,
          {
            hint: 'Check --server / DIFY_SERVER and that the server is running.',
          },
        );
      }
      throw error;
    }
    if (answer.status === 426) throw upgradeRequired(answer);
    // No such route (404), or a server that only serves other methods there (405).
    if (answer.status === 404 || answer.status === 405) {
      throw new CliError(
        'device_flow_unsupported',
        'this server does not offer device-flow sign-in',
        EXIT_CODE.compatibility,
        { hint: 'Check --server / DIFY_SERVER, or upgrade the server.', httpStatus: answer.status },
      );
    }
    if (answer.status === 429) throw rateLimited(answer);
    if (answer.status >= 500) throw serverFailure(answer, 'issue a sign-in code');
    if (answer.status !== 200) {
      if (answer.json === undefined) throw malformedAnswer(answer, 'the sign-in code request');
      throw unexpectedStatus(answer, 'issue a sign-in code');
    }
    if (answer.json === undefined) throw malformedAnswer(answer, 'the sign-in code request');
    const code = parseDeviceCode(answer.json);
    if (typeof code === 'string') {
      throw new CliError(
        'invalid_response',
        `unusable answer from the server to the sign-in code request: ${code}`,
        EXIT_CODE.generic,
        { hint: 'Check --server / DIFY_SERVER: it must point at the Dify API.', httpStatus: 200 },
      );
    }
    return code;
  }

  /** One poll of the token endpoint. Transient failures are answers, not exceptions. */
  async poll(deviceCode: string): Promise<PollAnswer> {
    let answer;
    try {
      answer = await this.send({
        method: 'POST',
        path: TOKEN_PATH,
        json: { client_id: CLIENT_ID, device_code: deviceCode, grant_type: DEVICE_GRANT_TYPE },
      });
    } catch (error) {
      if (error instanceof NetworkError) return { kind: 'unavailable', reason: error.message };
      throw error;
    }
    if (answer.status >= 500) return { kind: 'unavailable', reason: `HTTP ${answer.status}` };
    if (answer.status === 426) throw upgradeRequired(answer);
    if (answer.status === 429) {
      return { kind: 'rate_limited', retryAfterSeconds: retryAfterSeconds(answer) };
    }
    if (answer.status === 200) {
      const grant = parseTokenGrant(answer.json);
      if (typeof grant === 'string') {
        throw new CliError(
          'invalid_response',
          `unusable token answer from the server: ${grant}`,
          EXIT_CODE.generic,
          { httpStatus: 200 },
        );
      }
      return { kind: 'token', grant };
    }
    const code = deviceErrorCode(answer);
    if (!code) throw malformedAnswer(answer, 'the token poll');
    if (SETTLED_ERRORS.has(code)) return { kind: code } as PollAnswer;
    return { kind: 'error', code, httpStatus: answer.status };
  }
}
