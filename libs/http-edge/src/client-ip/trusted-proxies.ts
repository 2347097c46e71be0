import { BlockList, isIPv4 } from 'node:net';
import { canonicalIp, parseCidr } from '@dify/platform';

const MAX_REMEMBERED_ANSWERS = 4_096;

/**
 * The proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXY_CIDRS`,
 * docs/device-flow.md, "Client IP").
 *
 * Membership is decided on the canonical address, so `::ffff:10.0.0.1` (a dual-stack socket's view
 * of an IPv4 peer) is trusted by `10.0.0.0/8`, and an IPv4 address is also matched against
 * IPv4-mapped IPv6 blocks such as `::ffff:10.0.0.0/104`.
 */
export class TrustedProxies {
  readonly cidrs: readonly string[];
  readonly #blocks = new BlockList();
  // Peers are few (the load balancers and the gateway) and asked about on every request; a
  // BlockList check builds SocketAddress objects, so answers are remembered, within a bound.
  readonly #answers = new Map<string, boolean>();

  /** Throws a RangeError naming every entry that is not a CIDR (see `parseCidr`). */
  constructor(cidrs: readonly string[]) {
    const parsed = cidrs.map((cidr) => ({ cidr, block: parseCidr(cidr) }));
    const invalid = parsed.filter(({ block }) => block === undefined).map(({ cidr }) => cidr);
    if (invalid.length > 0) {
      throw new RangeError(`not CIDRs: ${invalid.map((cidr) => JSON.stringify(cidr)).join(', ')}`);
    }
    for (const { block } of parsed) {
      if (block !== undefined) this.#blocks.addSubnet(block.address, block.prefix, block.family);
    }
    this.cidrs = Object.freeze([...cidrs]);
  }

  /** Whether `ip` (any spelling) lies in a trusted block; anything that is not an IP is not. */
  contains(ip: string): boolean {
    const known = this.#answers.get(ip);
    if (known !== undefined) return known;
    const answer = this.#decide(ip);
    if (this.#answers.size >= MAX_REMEMBERED_ANSWERS) this.#answers.clear();
    this.#answers.set(ip, answer);
    return answer;
  }

  #decide(ip: string): boolean {
    const canonical = canonicalIp(ip);
    if (canonical === undefined) return false;
    if (isIPv4(canonical)) {
      return (
        this.#blocks.check(canonical, 'ipv4') || this.#blocks.check(`::ffff:${canonical}`, 'ipv6')
      );
    }
    return this.#blocks.check(canonical, 'ipv6');
  }

  /** Config dumps show the configured blocks, not the matcher's internals. */
  toJSON(): readonly string[] {
    return this.cidrs;
  }
}
