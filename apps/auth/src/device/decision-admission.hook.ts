import type { DecisionAdmission, DeviceDecisionService } from '@dify/device-flow';
import {
  type ConsoleCookies,
  type ConsoleSessionService,
  CSRF_HEADER,
  type CsrfTokens,
} from '@dify/identity';
import { type ErrorEnvelopeFilter, routedPath } from '@dify/http-edge';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the decision admission hook once the kill switch and the bucket let it through. */
    decisionAdmission?: DecisionAdmission;
  }
}

const DECISION_PATHS = new Set([
  '/openapi/v1/oauth/device/approve',
  '/openapi/v1/oauth/device/deny',
]);

/**
 * Admits approve and deny before the body is parsed and before any SQL: the kill switch, then the
 * deciding account's bucket, so a throttled or disabled decision costs neither. Only a caller
 * holding a validly signed access cookie and the matching CSRF header is admitted here; anyone
 * else passes through untouched and the route's guards answer them (401 `no_session`, 403
 * `csrf_mismatch`), which keeps the order session, CSRF, kill switch, bucket, body. The guards
 * still check the session against the database before the decision runs.
 */
export function registerDecisionAdmission(
  fastify: FastifyInstance,
  sessions: ConsoleSessionService,
  cookies: ConsoleCookies,
  csrf: CsrfTokens,
  decisions: DeviceDecisionService,
  errors: ErrorEnvelopeFilter,
): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'POST' || !DECISION_PATHS.has(routedPath(request))) {
      done();
      return;
    }
    admit(request, sessions, cookies, csrf, decisions).then(
      () => done(),
      (error: unknown) => errors.reply(error, request, reply),
    );
  });
}

async function admit(
  request: FastifyRequest,
  sessions: ConsoleSessionService,
  cookies: ConsoleCookies,
  csrf: CsrfTokens,
  decisions: DeviceDecisionService,
): Promise<void> {
  const claims = await sessions.claimsOf(cookies.read(request, 'access'));
  if (!claims) return;
  const cookie = cookies.read(request, 'csrf');
  if (!csrf.matches(claims.sid, cookie, request.headers[CSRF_HEADER])) return;
  request.decisionAdmission = await decisions.admit(claims.sub);
}
