import { createColors } from 'picocolors';
import type { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';

export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface OutputOptions {
  readonly json: boolean;
  /** NO_COLOR set: never colour, even on a terminal. */
  readonly noColor: boolean;
}

type Colors = ReturnType<typeof createColors>;

/**
 * Where everything the CLI says goes. Results go to stdout: one JSON document with `--json`,
 * otherwise text. Prompts, progress, confirmations and errors go to stderr, so stdout stays
 * clean for scripts. Colour only on a terminal, and never with NO_COLOR.
 */
export class Output {
  readonly json: boolean;
  readonly out: Colors;
  readonly err: Colors;

  constructor(
    readonly stdout: OutputStream,
    readonly stderr: OutputStream,
    options: OutputOptions,
  ) {
    this.json = options.json;
    this.out = createColors(!options.noColor && stdout.isTTY === true);
    this.err = createColors(!options.noColor && stderr.isTTY === true);
  }

  get stderrIsTerminal(): boolean {
    return this.stderr.isTTY === true;
  }

  /** A line the person needs even in `--json` mode (the code to type, the URL to open). */
  prompt(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  /** Progress and confirmations; left out with `--json`. */
  info(line: string): void {
    if (!this.json) this.stderr.write(`${line}\n`);
  }

  success(line: string): void {
    if (!this.json) this.stderr.write(`${this.err.green('✓')} ${line}\n`);
  }

  warn(line: string): void {
    this.stderr.write(`${this.err.yellow('warning:')} ${line}\n`);
  }

  /** The command's result: `value` as JSON with `--json`, else the text lines. */
  result(value: unknown, lines: readonly string[]): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else if (lines.length > 0) this.stdout.write(`${lines.join('\n')}\n`);
  }

  error(error: CliError): void {
    if (this.json) {
      const body = {
        error: {
          code: error.code,
          message: error.message,
          hint: error.hint ?? null,
          http_status: error.httpStatus ?? null,
        },
      };
      this.stderr.write(`${JSON.stringify(body)}\n`);
      return;
    }
    if (error.exitCode === EXIT_CODE.interrupted) {
      this.stderr.write(`${error.message}\n`);
      return;
    }
    this.stderr.write(`${this.err.red('error:')} ${error.message}\n`);
    if (error.hint) this.stderr.write(`${error.hint}\n`);
  }
}
