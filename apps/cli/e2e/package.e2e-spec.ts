import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const PACKAGE_DIR = join(REPO_ROOT, 'dist', 'cli');
const VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'apps', 'cli', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

function npm(args: string[], cwd: string, cache: string) {
  return spawnSync('npm', [...args, '--cache', cache, '--no-audit', '--no-fund', '--offline'], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: cwd },
    timeout: 120_000,
  });
}

/** The built CLI as people get it: an npm package with a `difyctl` bin and nothing else to fetch. */
describe('the difyctl package (dist/cli)', () => {
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'difyctl-package-'));
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('packs, installs globally into a prefix with no dependencies, and runs as difyctl', () => {
    const cache = join(work, 'npm-cache');
    const packed = npm(['pack', PACKAGE_DIR, '--pack-destination', work, '--json'], work, cache);
    expect(packed.status).toBe(0);
    const [{ filename, files }] = JSON.parse(packed.stdout) as {
      filename: string;
      files: { path: string }[];
    }[];
    expect(files.map((file) => file.path).sort()).toEqual([
      'README.md',
      'difyctl.js',
      'package.json',
    ]);

    const prefix = join(work, 'prefix');
    const installed = npm(
      ['install', '--global', '--prefix', prefix, join(work, filename)],
      work,
      cache,
    );
    expect(installed.stderr).not.toMatch(/ERR!/);
    expect(installed.status).toBe(0);
    const manifest = JSON.parse(
      readFileSync(join(prefix, 'lib', 'node_modules', 'difyctl', 'package.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      name: 'difyctl',
      version: VERSION,
      bin: { difyctl: 'difyctl.js' },
    });
    expect(manifest.dependencies).toBeUndefined();

    const bin = join(prefix, 'bin', 'difyctl');
    const help = spawnSync(bin, ['--help'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: difyctl /);
    for (const command of [
      'login',
      'logout',
      'status',
      'whoami',
      'workspaces',
      'devices',
      'auth',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.stdout).toBe(`${VERSION}\n`);
    const loginHelp = spawnSync(bin, ['auth', 'login', '--help'], { encoding: 'utf8' });
    expect(loginHelp.status).toBe(0);
    expect(loginHelp.stdout).toContain('--no-browser');
    expect(loginHelp.stdout).toContain('Examples:');
  });

  it('runs from the repository as `npm run difyctl`, keeping stdout for the command', () => {
    const result = spawnSync('npm', ['run', '-s', 'difyctl', '--', '--version'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, DIFY_CONFIG_DIR: join(work, 'config') },
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${VERSION}\n`);
  });
});
