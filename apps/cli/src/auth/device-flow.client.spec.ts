import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import type { HttpAnswer, HttpRequest } from '../http/http-client';
import { NetworkError } from '../http/network.error';
import { DeviceFlowClient } from './device-flow.client';

function answer(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, text, json, header: (name) => headers[name.toLowerCase()] };
}

const CODE = {
  device_code: `dc_${'a'.repeat(43)}`,
  user_code: 'ABCD-EFGH',
  verification_uri: 'http://localhost:5001/device',
  verification_uri_complete: 'http://localhost:5001/device?user_code=ABCD-EFGH',
  expires_in: 900,
  interval: 5,
};

function clientAnswering(reply: HttpAnswer | Error) {
  const requests: HttpRequest[] = [];
  const client = new DeviceFlowClient((request) => {
    requests.push(request);
    return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
  });
  return { client, requests };
}

async function rejection(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('DeviceFlowClient.requestCode', () => {
  it('sends the difyctl dialect and reads the code', async () => {
    const { client, requests } = clientAnswering(answer(200, CODE));
    const code = await client.requestCode('my-laptop');
    expect(requests).toEqual([
      {
        method: 'POST',
        path: '/openapi/v1/oauth/device/code',
        json: { client_id: 'difyctl', device_label: 'my-laptop' },
      },
    ]);
    expect(code).toMatchObject({
      userCode: 'ABCD-EFGH',
      intervalSeconds: 5,
      expiresInSeconds: 900,
    });
  });

  it.each([
    [
      'a server without the device flow (404)',
      answer(404, { code: 'not_found' }),
      EXIT_CODE.compatibility,
    ],
    [
      'an old-client refusal (426)',
      answer(426, { error: 'client_upgrade_required' }),
      EXIT_CODE.compatibility,
    ],
    ['an HTML page', answer(200, '<html><body>Welcome</body></html>'), EXIT_CODE.generic],
    ['truncated JSON', answer(200, '{"device_code":"dc_x","user_co'), EXIT_CODE.generic],
    [
      'a javascript: verification_uri',
      answer(200, { ...CODE, verification_uri: 'javascript:alert(1)' }),
      EXIT_CODE.generic,
    ],
    [
      'a file: verification_uri_complete',
      answer(200, { ...CODE, verification_uri_complete: 'file:///etc/passwd' }),
      EXIT_CODE.generic,
    ],
    [
      'terminal escapes in the user code',
      answer(200, { ...CODE, user_code: 'ABCD\u001b[2J' }),
      EXIT_CODE.generic,
    ],
    ['no device_code', answer(200, { ...CODE, device_code: '' }), EXIT_CODE.generic],
    ['a 503', answer(503, { error: 'user_code_exhausted' }), EXIT_CODE.generic],
    ['an unknown client', answer(400, { error: 'unsupported_client' }), EXIT_CODE.generic],
  ])('refuses %s', async (_case, reply, exitCode) => {
    const error = await rejection(clientAnswering(reply).client.requestCode('host'));
    expect(error.exitCode).toBe(exitCode);
  });

  it('reports an unreachable server as a network error (exit 1)', async () => {
    const error = await rejection(
      clientAnswering(new NetworkError('ECONNREFUSED')).client.requestCode('host'),
    );
    expect(error).toMatchObject({ code: 'network_error', exitCode: EXIT_CODE.generic });
  });
});

describe('DeviceFlowClient.poll', () => {
  const poll = (reply: HttpAnswer | Error) => clientAnswering(reply).client.poll(CODE.device_code);

  it.each([
    'authorization_pending',
    'slow_down',
    'expired_token',
    'access_denied',
    'invalid_grant',
  ])('classifies %s', async (code) => {
    expect(await poll(answer(400, { error: code }))).toEqual({ kind: code });
  });

  it('treats 5xx and network failures as worth retrying', async () => {
    expect(await poll(answer(502, '<html>Bad gateway</html>'))).toMatchObject({
      kind: 'unavailable',
    });
    expect(await poll(new NetworkError('ECONNRESET'))).toMatchObject({ kind: 'unavailable' });
  });

  it('reads the token from token or access_token', async () => {
    const account = { id: 'a', email: 'you@example.com', name: 'You' };
    expect(
      await poll(answer(200, { token: 'dfoa_x', subject_type: 'account', account })),
    ).toMatchObject({
      kind: 'token',
      grant: { token: 'dfoa_x', account },
    });
    expect(await poll(answer(200, { access_token: 'dfoa_y', account }))).toMatchObject({
      grant: { token: 'dfoa_y' },
    });
  });

  it.each([
    ['a 200 without a token', answer(200, { token_type: 'Bearer', account: { email: 'a@b.c' } })],
    ['a 200 that is not JSON', answer(200, 'OK')],
    ['a 400 that is HTML', answer(400, '<h1>Bad Request</h1>')],
  ])('fails with exit 1 on %s', async (_case, reply) => {
    const error = await rejection(poll(reply));
    expect(error.exitCode).toBe(EXIT_CODE.generic);
  });

  it('fails with exit 6 on 426', async () => {
    const error = await rejection(poll(answer(426, { error: 'client_upgrade_required' })));
    expect(error.exitCode).toBe(EXIT_CODE.compatibility);
  });
});
