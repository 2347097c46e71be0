import { DEVICE_FLOW_LIMITS } from '@dify/domain';
import { env, EnvVarError, type EnvVar } from '@dify/platform';

function knownClientIds(): EnvVar<readonly string[]> {
  const base = env.list({
    description:
      'Comma-separated client ids allowed to start the device flow (each at most 64 characters)',
    default: 'difyctl',
  });
  return {
    ...base,
    parse(raw) {
      const entries = base.parse(raw);
      const tooLong = entries.filter(
        (entry) => entry.length > DEVICE_FLOW_LIMITS.clientIdMaxLength,
      );
      if (tooLong.length > 0) {
        throw new EnvVarError(
          `has entries longer than ${DEVICE_FLOW_LIMITS.clientIdMaxLength} characters: ${tooLong.map((entry) => JSON.stringify(entry)).join(', ')}`,
        );
      }
      // Unset means the default; a value that lists nothing would refuse every client, a typo.
      if (entries.length === 0) throw new EnvVarError('must list at least one client id');
      return entries;
    },
  };
}

/**
 * The device-flow variables (docs/device-flow.md, "Settings"). Every limit is at least 1: the rate
 * limiter has no "disabled" value for these buckets, and an out-of-range value is refused, never
 * clamped.
 */
export const deviceFlowEnv = {
  OPENAPI_KNOWN_CLIENT_IDS: knownClientIds(),
  DEVICE_CODE_RATE_LIMIT_PER_HOUR: env.int({
    description: 'Device authorization requests per client IP per hour',
    default: 60,
    min: 1,
  }),
  DEVICE_LOOKUP_RATE_LIMIT_PER_5MIN: env.int({
    description: 'User-code lookups per client IP per 5 minutes',
    default: 60,
    min: 1,
  }),
  DEVICE_LOOKUP_FAILURE_BUDGET_PER_HOUR: env.int({
    description: 'Failed user-code lookups per hour across all clients before lookups answer 429',
    default: 1000,
    min: 1,
  }),
  DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: env.int({
    description: 'Device approvals plus denials per deciding account per hour',
    default: 10,
    min: 1,
  }),
  ENABLE_OAUTH_BEARER: env.bool({
    description: 'Kill switch: false refuses device approvals and every bearer token',
    default: true,
  }),
} as const;
