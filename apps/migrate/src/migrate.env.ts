import { databaseEnv, loggingEnv } from '@dify/platform';

/** The migration command needs only the database and a log level. */
export const migrateEnvSchema = { ...databaseEnv, ...loggingEnv } as const;
