import { isIPv4 } from 'node:net';
import { canonicalIp } from './ip-address';

/**
 * The network a client address belongs to, for budgets one party should not be able to multiply
 * by rotating the addresses it holds anyway: the /24 of an IPv4 address, the /48 of an IPv6 one
 * (a site's usual allocation; the /64s and /56s handed out come from it). An IPv4-mapped IPv6
 * address counts as its IPv4 address. Anything else (`unknown`) is its own network.
 */
export function networkPrefixOf(ip: string): string {
  const address = canonicalIp(ip);
  if (address === undefined) return ip;
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  return `${leadingHextets(address, 3).join(':')}::/48`;
}

/** The first `count` hextets of a canonical (lower-case, compressed, dotless) IPv6 address. */
function leadingHextets(address: string, count: number): string[] {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, ''];
  const parts = (text: string): string[] => (text === '' ? [] : text.split(':'));
  const left = parts(head);
  const right = parts(tail);
  const hextets = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return hextets.slice(0, count);
}
