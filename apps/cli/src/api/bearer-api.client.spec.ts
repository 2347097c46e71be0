import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import type { HttpAnswer, HttpRequest } from '../http/http-client';
import { retryOnceWhenRateLimited } from '../http/rate-limit-retry';
import { BearerApiClient } from './bearer-api.client';

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

function page(data: unknown[], hasMore = false) {
  return answer(200, {
    page: 1,
    limit: 100,
    total: data.length,
    has_more: hasMore,
    data,
    hints: [],
  });
}

const SESSION = {
  id: '0199a1b2-0000-7000-8000-000000000001',
  prefix: 'dfoa_',
  client_id: 'difyctl',
  device_label: 'laptop',
  created_at: '2030-01-01T00:00:00.000Z',
  last_used_at: null,
  expires_at: '2030-01-15T00:00:00.000Z',
};

async function rejection(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('BearerApiClient', () => {
  it('sends the bearer token and follows pages', async () => {
    const requests: HttpRequest[] = [];
    const replies = [page([SESSION], true), page([{ ...SESSION, id: 'second' }])];
    const client = new BearerApiClient(
      (request) => {
        requests.push(request);
        return Promise.resolve(replies.shift() as HttpAnswer);
      },
      'dfoa_token',
      () => undefined,
    );
    const sessions = await client.sessions();
    expect(sessions.map((item) => item.id)).toEqual([SESSION.id, 'second']);
    expect(requests.map((request) => [request.path, request.bearer])).toEqual([
      ['/openapi/v1/account/sessions?page=1&limit=100', 'dfoa_token'],
      ['/openapi/v1/account/sessions?page=2&limit=100', 'dfoa_token'],
    ]);
  });

  it('clears the credentials on 401 and reports "session expired or revoked" (exit 4)', async () => {
    let cleared = 0;
    const client = new BearerApiClient(
      () =>
        Promise.resolve(
          answer(401, { code: 'invalid_bearer', message: 'invalid bearer', status: 401 }),
        ),
      'dfoa_dead',
      () => (cleared += 1),
    );
    const error = await rejection(client.workspaces());
    expect(error).toMatchObject({
      message: 'session expired or revoked',
      exitCode: EXIT_CODE.auth,
    });
    expect(cleared).toBe(1);
  });

  it.each([
    [426, { code: 'client_upgrade_required', message: 'x', status: 426 }, EXIT_CODE.compatibility],
    [
      500,
      { code: 'internal_server_error', message: 'Internal Server Error', status: 500 },
      EXIT_CODE.generic,
    ],
    [200, '<html></html>', EXIT_CODE.generic],
    [200, { data: 'not a list' }, EXIT_CODE.generic],
    [403, { code: 'unsupported_token_type', message: 'x', status: 403 }, EXIT_CODE.auth],
  ])('maps HTTP %i %j to exit %i', async (status, body, exitCode) => {
    const client = new BearerApiClient(
      () => Promise.resolve(answer(status, body)),
      't',
      () => undefined,
    );
    expect((await rejection(client.sessions())).exitCode).toBe(exitCode);
  });

  it('answers false for a session the server does not know (404)', async () => {
    const client = new BearerApiClient(
      () =>
        Promise.resolve(
          answer(404, { code: 'session_not_found', message: 'session not found', status: 404 }),
        ),
      't',
      () => undefined,
    );
    expect(await client.revokeSession('nope')).toBe(false);
  });

  it('waits out one 429 for its Retry-After, then reports a second', async () => {
    const sleeps: number[] = [];
    const clock = { now: () => 0, sleep: (ms: number) => (sleeps.push(ms), Promise.resolve()) };
    const replies = [
      answer(429, { code: 'rate_limited' }, { 'retry-after': '3' }),
      page([SESSION]),
    ];
    const announced: number[] = [];
    const send = retryOnceWhenRateLimited(
      () => Promise.resolve(replies.shift() as HttpAnswer),
      clock,
      (seconds) => announced.push(seconds),
    );
    const client = new BearerApiClient(send, 't', () => undefined);
    expect(await client.sessions()).toHaveLength(1);
    expect(sleeps).toEqual([3000]);
    expect(announced).toEqual([3]);

    const always = retryOnceWhenRateLimited(
      () => Promise.resolve(answer(429, { code: 'rate_limited' }, { 'retry-after': '1' })),
      clock,
    );
    const error = await rejection(new BearerApiClient(always, 't', () => undefined).sessions());
    expect(error).toMatchObject({ code: 'rate_limited', exitCode: EXIT_CODE.generic });
  });
});
