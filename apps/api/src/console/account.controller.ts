import { Controller, Get, UseGuards } from '@nestjs/common';
import { AccountRepository } from '@dify/db';
import {
  type ConsoleIdentity,
  ConsoleSessionGuard,
  ConsoleUser,
  IDENTITY_ERROR_CODES,
  IdentityError,
} from '@dify/identity';

@Controller('console/api/account')
@UseGuards(ConsoleSessionGuard)
export class AccountController {
  constructor(private readonly accounts: AccountRepository) {}

  @Get('profile')
  async profile(
    @ConsoleUser() user: ConsoleIdentity,
  ): Promise<{ id: string; name: string; email: string }> {
    const account = await this.accounts.findById(user.accountId);
    if (!account) throw new IdentityError(IDENTITY_ERROR_CODES.noSession, 'Sign in to continue');
    return { id: account.id, name: account.name, email: account.email };
  }
}
