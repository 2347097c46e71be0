import { env } from '@dify/platform';

/** The gateway's bearer API variables (docs/bearer-api.md, "Settings"). */
export const bearerApiEnv = {
  ENABLE_OAUTH_BEARER: env.bool({
    description: 'Kill switch: false refuses device approvals and every bearer token',
    default: true,
  }),
  OPENAPI_RATE_LIMIT_PER_TOKEN: env.int({
    description: 'Bearer API requests per minute per token; 0 disables the limit',
    default: 60,
    min: 0,
  }),
  ACCOUNT_RATE_LIMIT_PER_MINUTE: env.int({
    description: 'Requests per minute per account on GET /openapi/v1/account',
    default: 60,
    min: 1,
  }),
} as const;
