import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import type { Scope } from '@dify/domain';
import { BearerAccessGuard } from './bearer-access.guard';
import { BearerAuthGuard } from './bearer-auth.guard';
import { REQUIRED_SCOPE } from './required-scope';

/**
 * A route of the account surface: bearer authentication (docs/tokens.md, "Bearer resolution"), then
 * the requirements of docs/bearer-api.md, "Route requirements" in their order (account subject,
 * licence, `scope`). Ownership, the fourth, is the handler's.
 */
export function BearerRoute(scope: Scope): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPE, scope),
    UseGuards(BearerAuthGuard, BearerAccessGuard),
  );
}
