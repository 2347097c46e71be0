import { EXIT_CODE, type ExitCode } from './exit-code';

export interface CliErrorOptions {
  readonly hint?: string;
  readonly httpStatus?: number;
  /** The command already told the person; only the exit code is left to apply. */
  readonly reported?: boolean;
}

/**
 * A failure the CLI reports to the person (or script) running it: a stable `code` for `--json`
 * consumers, a one-line message, an optional hint of what to do next, and the exit code. Every
 * expected failure becomes one of these, so nothing ends in a stack trace.
 */
export class CliError extends Error {
  readonly hint: string | undefined;
  readonly httpStatus: number | undefined;
  readonly reported: boolean;

  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode,
    options: CliErrorOptions = {},
  ) {
    super(message);
    this.name = 'CliError';
    this.hint = options.hint;
    this.httpStatus = options.httpStatus;
    this.reported = options.reported === true;
  }

  static usage(message: string, hint = "Run 'difyctl --help' for usage."): CliError {
    return new CliError('usage_error', message, EXIT_CODE.usage, { hint });
  }

  static notLoggedIn(host?: string): CliError {
    return new CliError(
      'not_logged_in',
      host ? `Not logged in to ${host}.` : 'Not logged in.',
      EXIT_CODE.auth,
      { hint: "Run 'difyctl auth login' to sign in." },
    );
  }

  static interrupted(): CliError {
    return new CliError('interrupted', 'Interrupted.', EXIT_CODE.interrupted);
  }
}
