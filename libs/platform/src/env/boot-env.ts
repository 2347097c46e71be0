import { EnvValidationError, loadEnv, type EnvOf, type EnvSchema } from './load-env';

/**
 * Loads a service's env at boot. When anything is wrong it prints every problem at once and
 * exits non-zero, before any connection is opened.
 */
export function loadEnvOrExit<S extends EnvSchema>(service: string, schema: S): EnvOf<S> {
  try {
    return loadEnv(schema, process.env);
  } catch (error) {
    if (!(error instanceof EnvValidationError)) throw error;
    // The logger is not configured yet (its level is itself an env variable): write plainly.
    process.stderr.write(`${service}: refusing to start. ${error.message}\n`);
    process.exit(1);
  }
}
