import { type DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { RateLimitModule } from '@dify/platform';
import { AccountService } from './accounts/account.service';
import { PasswordHasher } from './accounts/password-hasher.service';
import { ConsoleCookies } from './http/console-cookies';
import { ConsoleJwtStrategy } from './http/console-jwt.strategy';
import { ConsoleSessionGuard } from './http/console-session.guard';
import { CsrfGuard } from './http/csrf.guard';
import { IDENTITY_SETTINGS, type IdentitySettings } from './identity.settings';
import { consoleJwtKey } from './sessions/console-jwt-key';
import { ConsoleSessionService } from './sessions/console-session.service';
import { CsrfTokens } from './sessions/csrf-tokens';
import { LoginThrottle } from './sessions/login-throttle.service';
import { SessionRevocationStore } from './sessions/session-revocation.store';
import { WorkspacesModule } from './workspaces/workspaces.module';

const EXPORTED = [
  AccountService,
  ConsoleCookies,
  ConsoleSessionGuard,
  ConsoleSessionService,
  CsrfGuard,
  CsrfTokens,
];

/**
 * Accounts, workspaces and console sessions, for every service that needs a signed-in console
 * user (api for the console, auth for device approval); it re-exports WorkspacesModule (the
 * workspaces and the account read model). Needs the global DbModule, RedisModule (the shared
 * client the RateLimiter and the revocation store use) and an AuditSink provider from the
 * importing app.
 */
@Module({})
export class IdentityModule {
  static forRoot(settings: IdentitySettings): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        PassportModule,
        RateLimitModule,
        WorkspacesModule,
        JwtModule.register({
          secret: consoleJwtKey(settings.secretKey),
          signOptions: { algorithm: 'HS256', expiresIn: settings.accessTokenMinutes * 60 },
          verifyOptions: { algorithms: ['HS256'] },
        }),
      ],
      providers: [
        { provide: IDENTITY_SETTINGS, useValue: Object.freeze({ ...settings }) },
        ...EXPORTED,
        ConsoleJwtStrategy,
        LoginThrottle,
        PasswordHasher,
        SessionRevocationStore,
      ],
      exports: [...EXPORTED, WorkspacesModule],
    };
  }
}
