import { env, EnvVarError, type EnvVar, parseCidr } from '@dify/platform';
import { TrustedProxies } from './trusted-proxies';

/**
 * Loopback only: a proxy on the same host. Operators list their load balancers and reverse
 * proxies; trusting whole private ranges by default let any host on them claim any address.
 */
export const DEFAULT_TRUSTED_PROXY_CIDRS = '127.0.0.0/8,::1/128';

function trustedProxyCidrs(): EnvVar<TrustedProxies> {
  const base = env.list({
    description:
      'Comma-separated CIDRs (or single addresses) of proxies whose X-Forwarded-For is believed',
    default: DEFAULT_TRUSTED_PROXY_CIDRS,
  });
  return {
    ...base,
    parse(raw) {
      const entries = base.parse(raw);
      const invalid = entries.filter((entry) => parseCidr(entry) === undefined);
      if (invalid.length > 0) {
        throw new EnvVarError(
          `has entries that are not CIDRs: ${invalid.map((entry) => JSON.stringify(entry)).join(', ')}`,
        );
      }
      // Unset means the default; a value that lists nothing is a typo, not "trust no one".
      if (entries.length === 0) throw new EnvVarError('must list at least one CIDR');
      return new TrustedProxies(entries);
    },
  };
}

export const trustedProxyEnv = { TRUSTED_PROXY_CIDRS: trustedProxyCidrs() } as const;
