/** One HTTP exchange and how long it took, for tests that bound answer times. */
export interface TimedAnswer {
  readonly status: number;
  readonly ms: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export async function timedFetch(url: string, init: RequestInit = {}): Promise<TimedAnswer> {
  const started = performance.now();
  const response = await fetch(url, init);
  const text = await response.text();
  const ms = performance.now() - started;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the text itself is the body.
  }
  return { status: response.status, ms, body, headers: response.headers };
}
