import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  AccountDirectory,
  type ConsoleIdentity,
  ConsoleSessionGuard,
  ConsoleUser,
  IDENTITY_ERROR_CODES,
  IdentityError,
} from '@dify/identity';

@Controller('console/api/account')
@UseGuards(ConsoleSessionGuard)
export class AccountController {
  constructor(private readonly accounts: AccountDirectory) {}

  @Get('profile')
  async profile(
    @ConsoleUser() user: ConsoleIdentity,
  ): Promise<{ id: string; name: string; email: string }> {
    const account = await this.accounts.find(user.accountId);
    if (!account) throw new IdentityError(IDENTITY_ERROR_CODES.noSession, 'Sign in to continue');
    return { id: account.accountId, name: account.name, email: account.email };
  }
}
