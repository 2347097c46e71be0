import { Module } from '@nestjs/common';
import { BearerCacheModule } from '../resolution/bearer-cache.module';
import { AccountTokenRevoker } from './account-token-revoker.service';
import { TokenRevoker } from './token-revoker.service';

/**
 * Revocation of one token (by id or presented) and of every token of an account, with the
 * bearer cache tombstones that follow each commit. Shared by issuance (the RFC 7009 endpoint in
 * auth) and resolution (the account's own sessions in api). Needs the global DbModule and
 * RedisModule and an `AuditSink` from a global module.
 */
@Module({
  imports: [BearerCacheModule],
  providers: [AccountTokenRevoker, TokenRevoker],
  exports: [AccountTokenRevoker, TokenRevoker],
})
export class TokenRevocationModule {}
