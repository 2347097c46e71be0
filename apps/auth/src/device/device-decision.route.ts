import { type DecisionAdmission, type DeviceDecisionService } from '@dify/device-flow';
import type {
  AccountDirectory,
  ConsoleCookies,
  ConsoleSessionService,
  CsrfTokens,
} from '@dify/identity';
import { type ErrorEnvelopeFilter, requestContextOf } from '@dify/http-edge';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ConsoleCaller } from './console-caller';
import { decisionAdmission } from './decision-admission.hook';
import { DeviceRequestBody } from './device-request-body';

export const DEVICE_DECISION_PATHS = {
  approve: '/openapi/v1/oauth/device/approve',
  deny: '/openapi/v1/oauth/device/deny',
} as const;

export interface DecisionRouteDependencies {
  readonly decisions: DeviceDecisionService;
  readonly accounts: AccountDirectory;
  readonly sessions: ConsoleSessionService;
  readonly cookies: ConsoleCookies;
  readonly csrf: CsrfTokens;
  readonly errors: ErrorEnvelopeFilter;
}

/**
 * A signed-in console user approves or denies a pending code. Admission is the console session,
 * then CSRF double-submit; the identity comes only from the session, never from the body.
 *
 * Every CLI sign-in passes here once, so these are plain Fastify routes like the token route:
 * the Nest guards verified the access JWT a second time (the admission hook already had) and the
 * router pipeline cost more than the checks themselves. The app-wide hooks run as for every
 * route; errors render through the same envelope filter.
 */
export function registerDeviceDecisionRoutes(
  fastify: FastifyInstance,
  dependencies: DecisionRouteDependencies,
): void {
  const { decisions, accounts, sessions, cookies, csrf, errors } = dependencies;
  const caller = new ConsoleCaller(sessions, cookies, csrf);
  const admission = decisionAdmission(sessions, cookies, csrf, decisions, errors);
  const errorHandler = errors.reply.bind(errors);

  /** The admission the hook made, or (should it not have) one made now for the same account. */
  const admissionOf = async (
    request: FastifyRequest,
    accountId: string,
  ): Promise<DecisionAdmission> => {
    const admitted = request.decisionAdmission;
    if (admitted?.accountId === accountId) return admitted;
    return decisions.admit(accountId);
  };
  const userCodeOf = (request: FastifyRequest): string =>
    DeviceRequestBody.read(request.headers['content-type'], request.body, ['json']).requiredString(
      'user_code',
    );

  fastify.route({
    method: 'POST',
    url: DEVICE_DECISION_PATHS.approve,
    onRequest: admission,
    errorHandler,
    handler: async (request, reply) => {
      const { identity, account } = await caller.identify(request, request.decisionClaims);
      const admitted = await admissionOf(request, identity.accountId);
      const userCode = userCodeOf(request);
      // The approver and every membership, loaded before anything touches tokens: a failure here
      // mints nothing (docs/device-flow.md, "Approval"). The account row is the one the session
      // check read (it answered no_session had the account gone or stopped being active); only
      // the memberships are read here.
      const approver = await accounts.withMembershipsOf(account);
      const answer = await decisions.approve({
        admission: admitted,
        userCode,
        approver,
        context: requestContextOf(request),
      });
      return reply.code(200).send(answer);
    },
  });

  fastify.route({
    method: 'POST',
    url: DEVICE_DECISION_PATHS.deny,
    onRequest: admission,
    errorHandler,
    handler: async (request, reply) => {
      const { identity } = await caller.identify(request, request.decisionClaims);
      const admitted = await admissionOf(request, identity.accountId);
      const userCode = userCodeOf(request);
      const answer = await decisions.deny({
        admission: admitted,
        userCode,
        context: requestContextOf(request),
      });
      return reply.code(200).send(answer);
    },
  });
}
