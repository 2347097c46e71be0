import { spawn } from 'node:child_process';

export interface CommandOutcome {
  readonly code: number;
  readonly output: string;
}

/** Runs a command to completion and keeps its output for the error message. */
export function runCommand(command: string, args: readonly string[]): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: -1, output: output + error.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

export async function runOrThrow(command: string, args: readonly string[]): Promise<string> {
  const outcome = await runCommand(command, args);
  if (outcome.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${outcome.code}):\n${outcome.output}`);
  }
  return outcome.output;
}
