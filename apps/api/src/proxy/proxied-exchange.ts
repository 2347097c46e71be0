import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES } from '@dify/http-edge';
import type { Dispatcher } from 'undici';
import { headersFromAuth, headersToAuth } from './forwarded-headers';

/** What an exchange needs of its proxy: where to send, and how to answer when it cannot. */
export interface ExchangeOwner {
  readonly pool: Dispatcher;
  readonly basePath: string;
  /** The body is over `MAX_BODY_BYTES`: 413, and the connection closes. */
  refuseTooLarge(request: IncomingMessage, response: ServerResponse): void;
  /** Auth did not answer (down, restarting, reset before its answer, timed out). */
  unreachable(request: IncomingMessage, response: ServerResponse, error: Error): void;
  /** Auth's answer broke off after its head was passed on. */
  cutShort(request: IncomingMessage, error: Error): void;
  /** The exchange is over, whichever way: the client's in-flight slot is free again. */
  finished(client: string): void;
}

/** Why an upstream request is aborted when the client is gone before its answer. */
class ClientGone extends Error {
  constructor() {
    super('the client closed the connection before the answer');
  }
}

/**
 * One proxied request, from its body to the end of auth's answer: it reads the body, then is
 * itself the undici dispatch handler that writes auth's answer into the client's response.
 *
 * One object, one `close` listener on the response and no promise per request, in place of
 * `Pool.stream`'s handler (an `AsyncResource` each, answer headers parsed into an object and
 * copied, and `stream.finished`, which puts half a dozen listeners on every response). On the
 * bench's gateway poll that bookkeeping was most of the gateway's garbage; see bench/README.md,
 * "Where the time goes".
 *
 * The body is read into memory, at most `MAX_BODY_BYTES`: the device-flow bodies are small, and a
 * body read in full before any upstream connection is taken means a client that sends slowly
 * holds nothing but its own socket (which the server's request timeout ends).
 */
export class ProxiedExchange implements Dispatcher.DispatchHandlers {
  private readonly chunks: Buffer[] = [];
  private bodySize = 0;
  /** Set once the request went to auth; undici hands it over in `onConnect`. */
  private abortUpstream: ((error?: Error) => void) | null = null;
  private resumeUpstream: (() => void) | null = null;
  /** Auth's answer is complete or failed: nothing is left to abort. */
  private upstreamSettled = false;
  private released = false;

  constructor(
    private readonly owner: ExchangeOwner,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly client: string,
  ) {
    response.on('close', this.onResponseClose);
  }

  /** Reads the body (when the method has one), then forwards the request to auth. */
  start(): void {
    const method = this.request.method;
    if (method === 'GET' || method === 'HEAD') {
      this.forward(null);
      return;
    }
    const declared = Number(this.request.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      this.owner.refuseTooLarge(this.request, this.response);
      return;
    }
    this.request.on('data', this.onBodyChunk);
    this.request.on('end', this.onBodyEnd);
  }

  private readonly onBodyChunk = (chunk: Buffer): void => {
    this.bodySize += chunk.length;
    if (this.bodySize > MAX_BODY_BYTES) {
      this.request.removeListener('data', this.onBodyChunk);
      this.request.removeListener('end', this.onBodyEnd);
      this.request.pause();
      this.owner.refuseTooLarge(this.request, this.response);
      return;
    }
    this.chunks.push(chunk);
  };

  private readonly onBodyEnd = (): void => {
    // Almost every body arrives in one chunk, which is used as it is rather than copied.
    const chunks = this.chunks;
    this.forward(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.bodySize));
  };

  /**
   * Frees the client's slot, and when the client left before auth's answer was complete, aborts
   * the upstream request so auth's connection is not held for an answer nobody reads. A body
   * still being read is abandoned with it: Node emits no `error` on a request nobody listens
   * to for one.
   */
  private readonly onResponseClose = (): void => {
    if (this.abortUpstream !== null && !this.upstreamSettled && !this.response.writableFinished) {
      this.upstreamSettled = true;
      this.abortUpstream(new ClientGone());
    }
    this.release();
  };

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.owner.finished(this.client);
  }

  private forward(body: Buffer | null): void {
    if (this.response.destroyed) return;
    this.owner.pool.dispatch(
      {
        method: this.request.method as Dispatcher.HttpMethod,
        path: `${this.owner.basePath}${this.request.url ?? '/'}`,
        headers: headersToAuth(this.request, this.client, body === null ? null : body.length),
        body,
      },
      this,
    );
  }

  onConnect(abort: (error?: Error) => void): void {
    if (this.response.destroyed) {
      this.upstreamSettled = true;
      abort(new ClientGone());
      return;
    }
    this.abortUpstream = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // 1xx interim answers belong to this hop; the client got its own `100 Continue`.
    if (statusCode < 200) return true;
    this.resumeUpstream = resume;
    this.response.writeHead(statusCode, headersFromAuth(rawHeaders));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.response.write(chunk)) return true;
    // The client reads slower than auth sends: undici pauses auth's socket until this drains.
    this.response.once('drain', () => this.resumeUpstream?.());
    return false;
  }

  onComplete(): void {
    this.upstreamSettled = true;
    this.response.end();
  }

  onError(error: Error): void {
    this.upstreamSettled = true;
    if (error instanceof ClientGone || this.response.destroyed) return;
    if (!this.response.headersSent) {
      this.owner.unreachable(this.request, this.response, error);
      return;
    }
    this.owner.cutShort(this.request, error);
    this.response.destroy();
  }
}
