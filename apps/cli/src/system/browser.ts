import { spawn } from 'node:child_process';
import type { CliEnv } from '../env/cli-env';

export interface BrowserDecision {
  readonly requested: boolean;
  readonly env: CliEnv;
  readonly platform: NodeJS.Platform;
  readonly interactive: boolean;
}

/**
 * Whether opening a browser can help: not when asked not to, not over SSH (it would open on the
 * remote machine), not on Linux without a display, not when nobody is at a terminal.
 */
export function shouldOpenBrowser({
  requested,
  env,
  platform,
  interactive,
}: BrowserDecision): boolean {
  if (!requested || !interactive) return false;
  if (env.SSH_CONNECTION || env.SSH_TTY) return false;
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
  return true;
}

function opener(platform: NodeJS.Platform, url: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  // rundll32 takes the URL as one argument: `cmd /c start` would reinterpret `&` in it.
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

/**
 * Opens `url` in the default browser without waiting for it. Failure is silent: the URL and code
 * are printed anyway. The URL has been checked to be http(s) before it gets here.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] = opener(platform, url);
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener on this system; the printed URL is the fallback.
  }
}
