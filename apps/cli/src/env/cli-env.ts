/**
 * The environment variables difyctl reads, read once at start-up. Everything else receives this
 * object, so tests can hand a command any environment without touching the process's own.
 */
export interface CliEnv {
  /** Overrides where credentials live. */
  readonly DIFY_CONFIG_DIR?: string;
  readonly XDG_CONFIG_HOME?: string;
  readonly APPDATA?: string;
  /** The server when `--server` is not given. */
  readonly DIFY_SERVER?: string;
  /** A bearer token to use instead of stored credentials; it is never written anywhere. */
  readonly DIFY_TOKEN?: string;
  readonly NO_COLOR?: string;
  readonly SSH_CONNECTION?: string;
  readonly SSH_TTY?: string;
  readonly DISPLAY?: string;
  readonly WAYLAND_DISPLAY?: string;
}

const NAMES = [
  'DIFY_CONFIG_DIR',
  'XDG_CONFIG_HOME',
  'APPDATA',
  'DIFY_SERVER',
  'DIFY_TOKEN',
  'NO_COLOR',
  'SSH_CONNECTION',
  'SSH_TTY',
  'DISPLAY',
  'WAYLAND_DISPLAY',
] as const;

/** The variables above from `source`; empty values count as unset. */
export function readCliEnv(source: NodeJS.ProcessEnv = process.env): CliEnv {
  const env: Record<string, string> = {};
  for (const name of NAMES) {
    const value = source[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return Object.freeze(env);
}
