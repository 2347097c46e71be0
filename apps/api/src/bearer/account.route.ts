import { SCOPE } from '@dify/domain';
import type { ErrorEnvelopeFilter } from '@dify/http-edge';
import type { FastifyInstance } from 'fastify';
import type { AccountAnswer } from './account-answer.service';
import type { BearerAccessGuard } from './bearer-access.guard';
import type { BearerAuthGuard } from './bearer-auth.guard';

/** `/v1/me` is the legacy alias: the same handler, so the same buckets, body and headers. */
export const ACCOUNT_PATHS = ['/openapi/v1/account', '/v1/me'] as const;

/** What the account route takes from the gateway's Nest app. */
export interface AccountRouteParts {
  readonly authentication: BearerAuthGuard;
  readonly access: BearerAccessGuard;
  readonly account: AccountAnswer;
  readonly errors: ErrorEnvelopeFilter;
}

/**
 * `GET /openapi/v1/account` (docs/bearer-api.md, "Account"): the call a CLI makes most, and one
 * that a cached bearer answers without any SQL. A plain Fastify route, as auth's device token
 * poll is: the Nest router pipeline (guards consumer, interceptors, parameter pipes, the
 * adapter's reply) cost more than the answer itself. It runs the same checks as every
 * `@BearerRoute`, in the same order and with the same answers, by calling the guards' own
 * methods: bearer authentication (kill switch, header, per-token bucket, resolution, usage
 * touch), then the route requirements for `full` (account subject with the audit of a wrong
 * surface, licence, scope). The edge's hooks (client-version gate, security headers, request id,
 * request log, metrics) run as for any route, and errors render through the same envelope filter.
 */
export function registerAccountRoute(fastify: FastifyInstance, parts: AccountRouteParts): void {
  const { authentication, access, account, errors } = parts;
  for (const url of ACCOUNT_PATHS) {
    fastify.route({
      method: 'GET',
      url,
      errorHandler: (error, request, reply) => errors.reply(error, request, reply),
      handler: async (request, reply) => {
        const bearer = await authentication.authenticate(request, reply);
        const caller = await access.admit(request, bearer, SCOPE.full);
        return reply.send(await account.answer(caller));
      },
    });
  }
}
