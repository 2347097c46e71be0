import { type DynamicModule, Global, Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { HealthIndicator } from '@dify/platform';
import { DataSource } from 'typeorm';
import { dataSourceOptions, type DatabaseSettings } from './data-source.options';
import { AccountRepository } from './repositories/account.repository';
import { AccountSessionRepository } from './repositories/account-session.repository';
import { ConsoleSessionRepository } from './repositories/console-session.repository';
import { OAuthAccessTokenRepository } from './repositories/oauth-access-token.repository';
import { WorkspaceRepository } from './repositories/workspace.repository';

@Injectable()
export class DatabaseHealthIndicator implements HealthIndicator {
  readonly name = 'postgres';

  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}

const REPOSITORIES = [
  AccountRepository,
  AccountSessionRepository,
  ConsoleSessionRepository,
  OAuthAccessTokenRepository,
  WorkspaceRepository,
];

@Global()
@Module({})
export class DbModule {
  static forRoot(settings: DatabaseSettings): DynamicModule {
    return {
      module: DbModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(settings),
          // Fail boot quickly instead of retrying for minutes; the orchestrator restarts us.
          retryAttempts: 2,
          retryDelay: 1_000,
        }),
      ],
      providers: [DatabaseHealthIndicator, ...REPOSITORIES],
      exports: [DatabaseHealthIndicator, ...REPOSITORIES],
    };
  }
}
