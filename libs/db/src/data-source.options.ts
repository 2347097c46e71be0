import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities/entity-list';
import { MIGRATIONS } from './migrations/migration-list';
import { PreparedStatementClient } from './prepared-statement-client';

export interface DatabaseSettings {
  readonly url: string;
  readonly poolMax: number;
  /** Shows up in pg_stat_activity, so an operator can tell the services' connections apart. */
  readonly applicationName: string;
  /** Statements with parameters go as named prepared statements (PreparedStatementClient). */
  readonly preparedStatements?: boolean;
}

/** The one data source definition, shared by the services and the migration command. */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    applicationName: settings.applicationName,
    entities: [...ENTITIES],
    migrations: [...MIGRATIONS],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: settings.poolMax,
      // A Postgres that accepts connections but does not complete them (starting, overloaded)
      // fails the request within this bound instead of holding it indefinitely.
      connectionTimeoutMillis: 1_500,
      ...(settings.preparedStatements === false ? {} : { Client: PreparedStatementClient }),
    },
  };
}
