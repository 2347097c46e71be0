import { DeviceFlowError } from './device-flow.error';

/**
 * Same-origin JSON calls. A non-2xx answer throws `DeviceFlowError`; a network failure throws
 * whatever `fetch` threw. Cookies travel by the browser's same-origin default: the session
 * cookies are HttpOnly, so no token ever reaches this code.
 */
export async function requestJson<T>(
  path: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
    cache: 'no-store',
    redirect: 'error',
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw DeviceFlowError.fromResponse(response.status, body, response.headers.get('retry-after'));
  }
  return body as T;
}
