import { Module } from '@nestjs/common';
import { AccountDirectory } from './account-directory.service';

/**
 * The account read model (AccountDirectory) on its own, for processes that only read accounts
 * (the worker's mail). Needs the global DbModule; no settings, secrets or audit.
 */
@Module({
  providers: [AccountDirectory],
  exports: [AccountDirectory],
})
export class AccountDirectoryModule {}
