import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER, requestIdOf } from '@dify/platform';

// RFC 9110 §7.6.1: connection-specific headers never travel past one hop.
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Headers the gateway writes itself on the way to auth, so the client's own values are dropped:
 * `host` (the pool names auth's), `expect` (the gateway's server already answered
 * `100 Continue` before the body was read; the expectation is settled on this hop),
 * `content-length` (the body is buffered, its length is exact) and the forwarding headers.
 */
const REPLACED_ON_THE_WAY_IN: ReadonlySet<string> = new Set([
  'host',
  'expect',
  'content-length',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  REQUEST_ID_HEADER,
]);

/**
 * Header names `Connection` lists as hop-by-hop too; `undefined` when it lists none beyond the
 * standard ones, which is what nearly every request and answer carries (no header, or
 * `keep-alive`), so the common case builds no set.
 */
function namedByConnection(connection: string | string[] | undefined): Set<string> | undefined {
  if (connection === undefined || connection === 'keep-alive') return undefined;
  return new Set(
    String(connection)
      .split(',')
      .map((name) => name.trim().toLowerCase()),
  );
}

/**
 * The headers auth receives for a proxied request, as undici's flat `[name, value, …]` list: a
 * list rather than an object because undici walks it once into the request head, and an object
 * with the client's header names as keys would be a fresh dictionary per request.
 *
 * Exactly one `X-Forwarded-For`, the client as the gateway resolves it: the peer, or when the
 * peer is one of the gateway's trusted proxies, the address that proxy vouches for. Whatever else
 * a client wrote in the header never reaches auth, which believes the gateway.
 */
export function headersToAuth(
  request: IncomingMessage,
  client: string,
  bodyLength: number | null,
): string[] {
  const headers: IncomingHttpHeaders = request.headers;
  const named = namedByConnection(headers.connection);
  const forwarded: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || REPLACED_ON_THE_WAY_IN.has(name)) continue;
    if (named?.has(name)) continue;
    if (typeof value === 'string') {
      forwarded.push(name, value);
    } else {
      // Only `set-cookie` is an array in Node's headers; each value stays a line of its own.
      for (const each of value) forwarded.push(name, each);
    }
  }
  forwarded.push(
    'x-forwarded-for',
    client,
    'x-forwarded-proto',
    'encrypted' in request.socket ? 'https' : 'http',
  );
  if (headers.host) forwarded.push('x-forwarded-host', headers.host);
  forwarded.push(REQUEST_ID_HEADER, requestIdOf(request));
  if (bodyLength !== null) forwarded.push('content-length', String(bodyLength));
  return forwarded;
}

/**
 * Auth's answer headers for the client, as the flat `[name, value, …]` list `writeHead` takes,
 * hop-by-hop ones left out. The bytes are read as latin1, the way Node writes header text, so a
 * value passes through byte for byte; every other header, repeated ones (`Set-Cookie`) included,
 * passes in auth's order.
 */
export function headersFromAuth(raw: readonly Buffer[]): string[] {
  const answer: string[] = [];
  let connection: string | undefined;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index].toString('latin1');
    const lower = name.toLowerCase();
    const value = raw[index + 1].toString('latin1');
    if (lower === 'connection') connection = value;
    if (HOP_BY_HOP.has(lower)) continue;
    answer.push(name, value);
  }
  const named = namedByConnection(connection?.toLowerCase());
  if (named === undefined) return answer;
  const kept: string[] = [];
  for (let index = 0; index < answer.length; index += 2) {
    if (!named.has(answer[index].toLowerCase())) kept.push(answer[index], answer[index + 1]);
  }
  return kept;
}
