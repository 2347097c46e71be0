import type { CredentialsStore } from '../config/credentials-store';
import type { CliEnv } from '../env/cli-env';
import type { HttpSend } from '../http/http-client';
import type { Output } from '../output/output';
import type { Clock } from '../system/clock';

/** The options every command accepts (`--server`, `--insecure`, `--json`). */
export interface GlobalOptions {
  readonly server?: string;
  readonly insecure?: boolean;
  readonly json?: boolean;
}

/** Everything a command touches outside itself; tests hand in their own. */
export interface CommandContext {
  readonly env: CliEnv;
  readonly output: Output;
  readonly store: CredentialsStore;
  readonly clock: Clock;
  readonly platform: NodeJS.Platform;
  /** Someone is at a terminal (stdin and stderr are TTYs). */
  readonly interactive: boolean;
  readonly hostname: () => string;
  /** HTTP to the server at `baseUrl`: User-Agent, timeout, size cap, cancelled by Ctrl-C. */
  readonly http: (baseUrl: string) => HttpSend;
  readonly openBrowser: (url: string) => void;
}
