// Which load generator drives the bench. wrk (C, epoll) is preferred: autocannon runs in Node on
// one of the cores the services share, and on a small machine it, not the service, is the
// ceiling. When wrk is missing the bench installs it where it can (root with apt), otherwise it
// says how to get it and falls back to autocannon, and the report names the generator that ran.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findOnPath(command, path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function wrkVersion(path) {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return /wrk\s+(\S+)/.exec(`${result.stdout}${result.stderr}`)?.[1] ?? 'unknown';
}

function installWrk(log) {
  if (process.getuid?.() !== 0 || !findOnPath('apt-get')) return false;
  log('wrk is not installed; installing it with apt-get (Debian package wrk)');
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'wrk'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  if (install()) return true;
  // A fresh image has no package lists yet.
  spawnSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return install();
}

/**
 * @param {'auto' | 'wrk' | 'autocannon'} wanted
 * @returns {{ name: 'wrk', path: string, version: string, threads: number } | { name: 'autocannon', version: string }}
 */
export function chooseGenerator(wanted, { threads, autocannonVersion, log }) {
  if (wanted !== 'autocannon') {
    let path = findOnPath('wrk');
    if (!path && installWrk(log)) path = findOnPath('wrk');
    if (path) return { name: 'wrk', path, version: wrkVersion(path), threads };
    const how =
      'install wrk (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk) and put it on PATH';
    if (wanted === 'wrk') throw new Error(`--generator wrk: wrk not found; ${how}`);
    log(
      `wrk not found; falling back to autocannon, which shares a core with the services. To fix: ${how}`,
    );
  }
  return { name: 'autocannon', version: autocannonVersion };
}
