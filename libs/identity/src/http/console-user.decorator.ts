import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ConsoleIdentity } from '../sessions/console-identity';

/** Controller parameter: the identity the ConsoleSessionGuard authenticated. */
export const ConsoleUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ConsoleIdentity =>
    context.switchToHttp().getRequest<{ user: ConsoleIdentity }>().user,
);
