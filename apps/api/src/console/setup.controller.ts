import { Body, Controller, Get, Post } from '@nestjs/common';
import { AccountService } from '@dify/identity';
import { NewAccountRequest } from './new-account.request';

/** First-run setup and self-service registration. */
@Controller('console/api')
export class SetupController {
  constructor(private readonly accounts: AccountService) {}

  @Get('setup')
  async step(): Promise<{ step: 'not_started' | 'finished' }> {
    return { step: await this.accounts.setupStep() };
  }

  @Post('setup')
  async setup(@Body() body: NewAccountRequest): Promise<{ result: 'success' }> {
    await this.accounts.setup(body);
    return { result: 'success' };
  }

  @Post('register')
  async register(@Body() body: NewAccountRequest): Promise<{ result: 'success' }> {
    await this.accounts.register(body);
    return { result: 'success' };
  }
}
