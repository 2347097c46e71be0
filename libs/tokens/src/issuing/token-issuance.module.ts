import { type DynamicModule, Module } from '@nestjs/common';
import { BearerCacheModule } from '../resolution/bearer-cache.module';
import { TokenRevocationModule } from '../revocation/token-revocation.module';
import type { TokenIssuanceSettings } from './token-issuance.env';
import { TOKEN_ISSUANCE_SETTINGS } from './token-issuance.tokens';
import { TokenIssuer } from './token-issuer.service';

/**
 * What the device-flow service (auth) does with tokens: issue and rotate in place (TokenIssuer)
 * and revoke (TokenRevoker, re-exported from TokenRevocationModule). Only this module reads the
 * token lifetime.
 *
 * Needs, from the importing app: the global DbModule and RedisModule and an `AuditSink` from a
 * global module. Pass the returned object by reference to every module that needs TokenIssuer
 * (Nest tells dynamic modules apart by reference), so one instance serves them all.
 */
@Module({})
export class TokenIssuanceModule {
  static forRoot(settings: TokenIssuanceSettings): DynamicModule {
    return {
      module: TokenIssuanceModule,
      imports: [BearerCacheModule, TokenRevocationModule],
      providers: [
        { provide: TOKEN_ISSUANCE_SETTINGS, useValue: Object.freeze({ ...settings }) },
        TokenIssuer,
      ],
      exports: [TokenIssuer, TokenRevocationModule],
    };
  }
}
