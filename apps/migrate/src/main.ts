import 'reflect-metadata';
import { dataSourceOptions } from '@dify/db';
import { createServiceLogger, loadEnvOrExit } from '@dify/platform';
import { DataSource } from 'typeorm';
import { migrateEnvSchema } from './migrate.env';

/**
 * The migration command: `migrate` (default) applies every pending migration, `revert` undoes
 * the latest one. Services never migrate; this runs as its own step before they start.
 */
async function main(): Promise<void> {
  const config = loadEnvOrExit('migrate', migrateEnvSchema);
  const logger = createServiceLogger('migrate', config.LOG_LEVEL);
  const command = process.argv[2] ?? 'migrate';
  if (command !== 'migrate' && command !== 'revert') {
    logger.error(`unknown command "${command}"; use migrate or revert`);
    process.exit(2);
  }
  const dataSource = new DataSource(
    dataSourceOptions({
      url: config.DATABASE_URL,
      poolMax: 1,
      applicationName: 'dify-migrate',
      preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
    }),
  );
  await dataSource.initialize();
  try {
    if (command === 'migrate') {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      logger.info(
        { applied: applied.map((m) => m.name) },
        `applied ${applied.length} migration(s)`,
      );
    } else {
      await dataSource.undoLastMigration({ transaction: 'each' });
      logger.info('reverted the latest migration');
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  // The error may quote a query's parameters or the connection URL: log it redacted.
  createServiceLogger('migrate').error({ err: error }, 'migration failed');
  process.exit(1);
});
