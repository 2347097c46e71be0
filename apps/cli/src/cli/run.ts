import { hostname } from 'node:os';
import { type Command, CommanderError } from 'commander';
import { resolveConfigDir } from '../config/config-dir';
import { CredentialsStore } from '../config/credentials-store';
import type { CommandContext, GlobalOptions } from '../commands/command-context';
import type { CliEnv } from '../env/cli-env';
import { CliError } from '../errors/cli-error';
import { EXIT_CODE, type ExitCode } from '../errors/exit-code';
import { HttpClient } from '../http/http-client';
import { Output, type OutputStream } from '../output/output';
import { openBrowser } from '../system/browser';
import { systemClock } from '../system/clock';
import { userAgent } from '../version';
import { buildProgram } from './program';

export interface RunInputs {
  readonly argv: readonly string[];
  readonly env: CliEnv;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdinIsTTY: boolean;
  /** Aborted by Ctrl-C. */
  readonly signal: AbortSignal;
}

function applyToAll(command: Command, configure: (command: Command) => void): void {
  configure(command);
  for (const child of command.commands) applyToAll(child, configure);
}

function describeUnexpected(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Runs one invocation and answers its exit code. Every failure ends here as a message (or a
 * JSON error with `--json`) and an exit code; a stack trace is never shown.
 */
export async function run(inputs: RunInputs): Promise<ExitCode> {
  const wantsJson = inputs.argv.includes('--json');
  const fallbackOutput = new Output(inputs.stdout, inputs.stderr, {
    json: wantsJson,
    noColor: inputs.env.NO_COLOR !== undefined,
  });
  let output = fallbackOutput;
  const createContext = (options: GlobalOptions): CommandContext => {
    output = new Output(inputs.stdout, inputs.stderr, {
      json: options.json === true,
      noColor: inputs.env.NO_COLOR !== undefined,
    });
    const clock = systemClock(inputs.signal);
    return {
      env: inputs.env,
      output,
      store: new CredentialsStore(resolveConfigDir({ env: inputs.env }), (message) =>
        output.warn(message),
      ),
      clock,
      platform: process.platform,
      interactive: inputs.stdinIsTTY && inputs.stderr.isTTY === true,
      hostname: () => hostname(),
      http: (baseUrl) =>
        new HttpClient(baseUrl, { userAgent: userAgent(), signal: inputs.signal }).send,
      openBrowser: (url) => openBrowser(url),
    };
  };

  const program = buildProgram(createContext);
  applyToAll(program, (command) =>
    command.exitOverride().configureOutput({
      writeOut: (text) => inputs.stdout.write(text),
      writeErr: (text) => inputs.stderr.write(text),
      // One line and a hint, as JSON when asked for.
      outputError: (text) => {
        const [message, ...rest] = text
          .replace(/^error: /, '')
          .trim()
          .split('\n');
        const suggestion = /\(Did you mean (.+)\?\)/.exec(rest.join(' '))?.[1];
        const hint = "Run 'difyctl --help' for usage.";
        fallbackOutput.error(
          CliError.usage(message, suggestion ? `Did you mean ${suggestion}? ${hint}` : hint),
        );
      },
    }),
  );

  if (inputs.argv.length === 0) {
    inputs.stderr.write(program.helpInformation());
    return EXIT_CODE.usage;
  }
  try {
    await program.parseAsync([...inputs.argv], { from: 'user' });
    return EXIT_CODE.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help, --version and `help <command>` end with 0; `difyctl auth` without a command
      // prints its help as an error, and parse errors were reported by outputError above.
      return error.exitCode === 0 ? EXIT_CODE.ok : EXIT_CODE.usage;
    }
    if (error instanceof CliError) {
      if (!error.reported) output.error(error);
      return error.exitCode;
    }
    if (inputs.signal.aborted) {
      output.error(CliError.interrupted());
      return EXIT_CODE.interrupted;
    }
    output.error(
      new CliError(
        'internal_error',
        `unexpected failure: ${describeUnexpected(error)}`,
        EXIT_CODE.generic,
      ),
    );
    return EXIT_CODE.generic;
  }
}
