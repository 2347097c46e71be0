import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ResolvedBearer } from '@dify/tokens';
import type { FastifyRequest } from 'fastify';

/** A bearer that passed the account-surface check: an account token, so the account id is set. */
export type AccountBearer = ResolvedBearer & { readonly accountId: string };

/** Controller parameter: the account bearer of a route declared with `@BearerRoute`. */
export const AccountCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AccountBearer => {
    const bearer = context.switchToHttp().getRequest<FastifyRequest>().bearer;
    // Reaching a handler without an account bearer means a route forgot its guards: fail closed.
    if (!bearer || bearer.accountId === null) {
      throw new Error('AccountCaller used on a route without @BearerRoute');
    }
    return { ...bearer, accountId: bearer.accountId };
  },
);
