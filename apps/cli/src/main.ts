#!/usr/bin/env node
import { run } from './cli/run';
import { readCliEnv } from './env/cli-env';
import { EXIT_CODE } from './errors/exit-code';

const interrupt = new AbortController();
process.on('SIGINT', () => {
  // The first Ctrl-C cancels what is in flight and lets the command end cleanly (credentials are
  // only ever written whole); a second one does not wait for that.
  if (interrupt.signal.aborted) process.exit(EXIT_CODE.interrupted);
  interrupt.abort();
});

void run({
  argv: process.argv.slice(2),
  env: readCliEnv(),
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTTY: process.stdin.isTTY === true,
  signal: interrupt.signal,
}).then((code) => process.exit(code));
