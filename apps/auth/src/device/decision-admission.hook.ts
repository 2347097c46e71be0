import type { DecisionAdmission, DeviceDecisionService } from '@dify/device-flow';
import {
  type ConsoleAccessClaims,
  type ConsoleCookies,
  type ConsoleSessionService,
  CSRF_HEADER,
  type CsrfTokens,
} from '@dify/identity';
import type { ErrorEnvelopeFilter } from '@dify/http-edge';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set by the decision admission hook: the claims of the access cookie when its signature and
     * expiry hold, else null. Read once here, so the route does not verify the JWT again.
     */
    decisionClaims?: ConsoleAccessClaims | null;
    /** Set by the decision admission hook once the kill switch and the bucket let it through. */
    decisionAdmission?: DecisionAdmission;
  }
}

/**
 * The decision routes' `onRequest` hook: admits approve and deny before the body is parsed and
 * before any SQL: the kill switch, then the deciding account's bucket, so a throttled or disabled
 * decision costs neither. Only a caller holding a validly signed access cookie and the matching
 * CSRF header is admitted here; anyone else passes through untouched and the route answers them
 * (401 `no_session`, 403 `csrf_mismatch`), which keeps the order session, CSRF, kill switch,
 * bucket, body. The route still checks the session against the database before the decision runs.
 */
export function decisionAdmission(
  sessions: ConsoleSessionService,
  cookies: ConsoleCookies,
  csrf: CsrfTokens,
  decisions: DeviceDecisionService,
  errors: ErrorEnvelopeFilter,
): onRequestHookHandler {
  return (request, reply, done) => {
    admit(request, sessions, cookies, csrf, decisions).then(
      () => done(),
      (error: unknown) => errors.reply(error, request, reply),
    );
  };
}

async function admit(
  request: FastifyRequest,
  sessions: ConsoleSessionService,
  cookies: ConsoleCookies,
  csrf: CsrfTokens,
  decisions: DeviceDecisionService,
): Promise<void> {
  const claims = await sessions.claimsOf(cookies.read(request, 'access'));
  request.decisionClaims = claims;
  if (!claims) return;
  const cookie = cookies.read(request, 'csrf');
  if (!csrf.matches(claims.sid, cookie, request.headers[CSRF_HEADER])) return;
  request.decisionAdmission = await decisions.admit(claims.sub);
}
