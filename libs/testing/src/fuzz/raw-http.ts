import { connect } from 'node:net';

/** One request exactly as it goes on the wire: any method, any target, any header bytes. */
export interface RawHttpRequest {
  readonly method: string;
  /** The request target as sent: origin-form, absolute-form, percent-encoded or plain junk. */
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: Buffer;
}

export interface RawHttpAnswer {
  /** The status of the answer, or undefined when the server closed without a status line. */
  readonly status: number | undefined;
  /** Everything the server sent, headers and body, as latin1 text. */
  readonly text: string;
}

const MAX_ANSWER_BYTES = 1024 * 1024;

/** The request's bytes; header values go out as latin1 so a test can send any octet it likes. */
export function encodeRawRequest(request: RawHttpRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return request.body ? Buffer.concat([head, request.body]) : head;
}

/**
 * Sends one request over a fresh TCP connection and reads until the server closes it (the
 * request should carry `Connection: close`). Nothing is normalised on the way, unlike fetch,
 * which resolves dot segments, re-encodes the target and refuses odd header values.
 */
export function sendRawHttp(
  port: number,
  request: RawHttpRequest,
  { host = '127.0.0.1', timeoutMs = 15_000 }: { host?: string; timeoutMs?: number } = {},
): Promise<RawHttpAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${request.method} ${request.target}`));
    }, timeoutMs);
    // Not end(): a half-closed client makes Node's server drop a request still in flight.
    socket.on('connect', () => socket.write(encodeRawRequest(request)));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= MAX_ANSWER_BYTES) chunks.push(chunk);
    });
    // A reset after (or instead of) an answer is the server's choice; what it sent is the answer.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match ? Number(match[1]) : undefined, text });
    });
  });
}
