import { isIP } from 'node:net';
import { CliError } from '../errors/cli-error';

export const DEFAULT_SERVER = 'http://localhost:5001';

export interface ServerChoice {
  /** The base URL every path is appended to: scheme, host, optional path, no trailing slash. */
  readonly url: string;
  /** `host[:port]`, as messages show it. */
  readonly host: string;
  /** True when the connection is plaintext to a host that is not this machine. */
  readonly plaintextRemote: boolean;
}

function isLoopback(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1';
  return false;
}

/**
 * The server to talk to: `--server`, else `DIFY_SERVER`, else the local default. A bare host gets
 * https. Plain http is allowed only to this machine, or anywhere with `--insecure`; the caller
 * warns when `plaintextRemote` is set.
 */
export function resolveServer(
  flag: string | undefined,
  fromEnv: string | undefined,
  insecure: boolean,
): ServerChoice {
  const raw = (flag ?? fromEnv ?? DEFAULT_SERVER).trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw CliError.usage(`invalid server URL: ${JSON.stringify(raw)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw CliError.usage(`the server URL must be http(s), not ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw CliError.usage('the server URL must not carry credentials, a query or a fragment');
  }
  const plaintext = parsed.protocol === 'http:';
  const loopback = isLoopback(parsed.hostname);
  if (plaintext && !loopback && !insecure) {
    throw CliError.usage(
      `refusing plaintext http:// to ${parsed.host}`,
      'Use https://, or pass --insecure to send the token unencrypted anyway.',
    );
  }
  const url = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
  return { url, host: parsed.host, plaintextRemote: plaintext && !loopback };
}

/** `host[:port]` of a stored server URL, for messages. */
export function hostOf(serverUrl: string): string {
  try {
    return new URL(serverUrl).host;
  } catch {
    return serverUrl;
  }
}
