import { EnvVarError, type EnvVar } from './env-var';

export type EnvSchema = Readonly<Record<string, EnvVar<unknown>>>;

export type EnvOf<S extends EnvSchema> = {
  readonly [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never;
};

export interface EnvProblem {
  readonly variable: string;
  readonly problem: string;
}

export class EnvValidationError extends Error {
  constructor(readonly problems: readonly EnvProblem[]) {
    super(
      `Invalid environment:\n${problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n')}`,
    );
  }
}

type Source = Readonly<Record<string, string | undefined>>;

/**
 * Reads every variable of the schema, collecting all problems before failing, and returns a
 * frozen typed config. An empty string counts as unset so `FOO=` in a `.env` means "default".
 */
export function loadEnv<S extends EnvSchema>(schema: S, source: Source): EnvOf<S> {
  const values: Record<string, unknown> = {};
  const problems: EnvProblem[] = [];
  for (const [name, variable] of Object.entries(schema)) {
    const given = source[name];
    const raw = given === undefined || given === '' ? variable.defaultValue : given;
    if (raw === undefined) {
      problems.push({ variable: name, problem: 'is required but not set' });
      continue;
    }
    try {
      values[name] = variable.parse(raw);
    } catch (error) {
      if (!(error instanceof EnvVarError)) throw error;
      problems.push({ variable: name, problem: error.message });
    }
  }
  if (problems.length > 0) throw new EnvValidationError(problems);
  return Object.freeze(values) as EnvOf<S>;
}
