import { canonicalIp } from '@dify/platform';
import type { TrustedProxies } from './trusted-proxies';

/**
 * The client IP when none can be determined (docs/device-flow.md, "Client IP"); it shares one
 * rate-limit bucket.
 */
export const UNKNOWN_CLIENT_IP = 'unknown';

/**
 * The client IP of docs/device-flow.md, "Client IP", in its canonical spelling (see `canonicalIp`).
 *
 * It is the socket peer, unless the peer is a trusted proxy. Then `X-Forwarded-For` is walked from
 * the right, because each proxy appends the address it received from and only the entries added by
 * trusted proxies are believed: the answer is the first entry that is not itself a trusted proxy,
 * or the left-most entry when every one is trusted. An entry that is not an IP ends the walk and is
 * not used, leaving the last address that was vouched for (ultimately the peer): whatever lies left
 * of a malformed entry was not written by a proxy we can identify.
 *
 * Several `X-Forwarded-For` headers are one list, in order. Empty entries carry no claim and are
 * skipped. Besides bare addresses, `[v6]`, `[v6]:port` and `v4:port` are read, as some proxies
 * write them.
 */
export function resolveClientIp(
  peerAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trusted: TrustedProxies,
): string {
  const peer = peerAddress === undefined ? undefined : canonicalIp(peerAddress.trim());
  if (peer === undefined) return UNKNOWN_CLIENT_IP;
  if (!trusted.contains(peer)) return peer;

  const entries = forwardedEntries(forwardedFor);
  let client = peer;
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    const ip = forwardedIp(entries[index]);
    if (ip === undefined) break;
    client = ip;
    if (!trusted.contains(ip)) break;
  }
  return client;
}

function forwardedEntries(forwardedFor: string | readonly string[] | undefined): string[] {
  if (forwardedFor === undefined) return [];
  const joined = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',');
  return joined
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

const BRACKETED_IPV6 = /^\[([^\]]+)\](?::\d{1,5})?$/;
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;

function forwardedIp(entry: string): string | undefined {
  const bracketed = BRACKETED_IPV6.exec(entry);
  if (bracketed !== null) {
    // Brackets belong to IPv6 only; `[1.2.3.4]` is malformed.
    return bracketed[1].includes(':') ? canonicalIp(bracketed[1]) : undefined;
  }
  const withPort = IPV4_WITH_PORT.exec(entry);
  return canonicalIp(withPort === null ? entry : withPort[1]);
}
