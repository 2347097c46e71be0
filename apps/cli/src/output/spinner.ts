import { createSpinner } from 'nanospinner';
import type { Output } from './output';

export interface Progress {
  update(text: string): void;
  stop(): void;
}

/**
 * "Waiting for authorization": an animated spinner on a terminal, a single plain line
 * elsewhere (a log file or CI would otherwise fill with animation frames).
 */
export function startProgress(output: Output, text: string): Progress {
  if (!output.stderrIsTerminal) {
    output.prompt(`${text}…`);
    return { update: (next) => output.prompt(`${next}…`), stop: () => undefined };
  }
  const before = new Set(process.listeners('SIGINT'));
  const spinner = createSpinner(text, { stream: process.stderr }).start();
  // The spinner exits the process on Ctrl-C by itself; the CLI's own handler cancels the command
  // instead, which stops the spinner on the way out and reports the interruption.
  for (const listener of process.listeners('SIGINT')) {
    if (!before.has(listener)) process.off('SIGINT', listener);
  }
  return {
    update: (next) => {
      spinner.update({ text: next });
    },
    stop: () => {
      spinner.clear();
      spinner.stop();
    },
  };
}
