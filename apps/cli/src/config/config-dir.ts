import { homedir } from 'node:os';
import { join, win32 } from 'node:path';
import type { CliEnv } from '../env/cli-env';

export interface ConfigDirInputs {
  readonly env: CliEnv;
  readonly platform?: NodeJS.Platform;
  readonly home?: string;
}

/**
 * Where difyctl keeps its files: `$DIFY_CONFIG_DIR`, else `$XDG_CONFIG_HOME/difyctl`, else
 * `%AppData%\difyctl` on Windows, else `~/.config/difyctl`.
 */
export function resolveConfigDir({
  env,
  platform = process.platform,
  home = homedir(),
}: ConfigDirInputs): string {
  if (env.DIFY_CONFIG_DIR) return env.DIFY_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'difyctl');
  if (platform === 'win32') {
    return win32.join(env.APPDATA ?? win32.join(home, 'AppData', 'Roaming'), 'difyctl');
  }
  return join(home, '.config', 'difyctl');
}
