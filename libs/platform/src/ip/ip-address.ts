import { isIPv4, isIPv6 } from 'node:net';

export type IpFamily = 'ipv4' | 'ipv6';

/** A CIDR block as written by an operator, validated. */
export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: IpFamily;
}

const IPV4_MAPPED = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * The one spelling of an IP address used in rate-limit keys, `created_ip` and audit records, or
 * undefined when `text` is not an IP address. Two spellings of one address must never yield two
 * buckets, so:
 * - IPv4 stays dotted decimal (Node refuses leading zeros, which some parsers read as octal);
 * - IPv6 is lower-case and compressed (RFC 5952, as the WHATWG URL parser serialises it), without
 *   a zone (`%eth0` names an interface on the host that saw it, not the client);
 * - an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, how a dual-stack socket reports an IPv4 peer)
 *   becomes the IPv4 address.
 */
export function canonicalIp(text: string): string | undefined {
  if (isIPv4(text)) return text;
  const zone = text.indexOf('%');
  const address = zone === -1 ? text : text.slice(0, zone);
  if (!isIPv6(address)) return undefined;
  let canonical: string;
  try {
    canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const mapped = IPV4_MAPPED.exec(canonical);
  if (mapped === null) return canonical;
  const high = Number.parseInt(mapped[1], 16);
  const low = Number.parseInt(mapped[2], 16);
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * `address/prefix`, or a bare address meaning that one host. Undefined for anything else,
 * including a prefix longer than the family allows. Host bits below the prefix are allowed and
 * ignored (`10.1.2.3/8` is `10.0.0.0/8`), as routers treat them.
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const family: IpFamily | undefined = isIPv4(address)
    ? 'ipv4'
    : isIPv6(address) && !address.includes('%')
      ? 'ipv6'
      : undefined;
  if (family === undefined) return undefined;
  const maxPrefix = family === 'ipv4' ? 32 : 128;
  if (slash === -1) return { address, prefix: maxPrefix, family };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= maxPrefix ? { address, prefix, family } : undefined;
}
