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
    // The logger is not configured yet (its level is itself an env variable), so the one line is
    // written by hand, in the JSON shape of every other log line.
    const line = JSON.stringify({
      level: 'fatal',
      time: new Date().toISOString(),
      service,
      msg: `refusing to start: ${error.problems.map((p) => `${p.variable} ${p.problem}`).join('; ')}`,
      problems: error.problems,
    });
    process.stdout.write(`${line}\n`);
    process.exit(1);
  }
}
