import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import { NetworkError } from './network.error';

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Appended to the server URL; starts with `/`. */
  readonly path: string;
  readonly json?: unknown;
  readonly bearer?: string;
}

export interface HttpAnswer {
  readonly status: number;
  header(name: string): string | undefined;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** One HTTP exchange; injected so the commands and the poll loop can be tested without a server. */
export type HttpSend = (request: HttpRequest) => Promise<HttpAnswer>;

export interface HttpClientOptions {
  readonly userAgent: string;
  /** Cancels every request (Ctrl-C). */
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly maxBodyBytes?: number;
  readonly fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 30_000;
// Every answer this CLI expects is a few kilobytes; a megabyte is generous and bounds memory.
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function tooLarge(limit: number): CliError {
  return new CliError(
    'response_too_large',
    `the server's answer is larger than ${limit} bytes; it is not a Dify server answer`,
    EXIT_CODE.generic,
  );
}

function describeFetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * HTTP to one server with Node's fetch: a User-Agent on every request, a timeout, no redirects
 * (an API that redirects is not one we trust with a token), and bodies read with a size cap so a
 * hostile server cannot exhaust memory.
 */
export class HttpClient {
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly fetchImpl: typeof fetch;

  constructor(
    private readonly baseUrl: string,
    private readonly options: HttpClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.fetchImpl = options.fetch ?? fetch;
  }

  readonly send: HttpSend = async (request) => {
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent,
      accept: 'application/json',
    };
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    if (request.bearer) headers.authorization = `Bearer ${request.bearer}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    try {
      const response = await this.fetchImpl(`${this.baseUrl}${request.path}`, {
        method: request.method,
        headers,
        body: request.json === undefined ? undefined : JSON.stringify(request.json),
        redirect: 'manual',
        signal,
      });
      const text = await this.readBody(response);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return {
        status: response.status,
        header: (name: string) => response.headers.get(name) ?? undefined,
        text,
        json,
      };
    } catch (error) {
      if (error instanceof CliError) throw error;
      if (this.options.signal?.aborted) throw CliError.interrupted();
      if (timeout.aborted) {
        throw new NetworkError(`no answer from the server within ${this.timeoutMs / 1000} s`);
      }
      throw new NetworkError(describeFetchFailure(error));
    }
  };

  private async readBody(response: Response): Promise<string> {
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > this.maxBodyBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge(this.maxBodyBytes);
    }
    if (!response.body) return '';
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > this.maxBodyBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(this.maxBodyBytes);
      }
      chunks.push(value);
    }
    return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
  }
}
