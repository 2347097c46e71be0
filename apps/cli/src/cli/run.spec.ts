import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODE } from '../errors/exit-code';
import type { OutputStream } from '../output/output';
import { DIFYCTL_VERSION } from '../version';
import { run } from './run';

function stream(): OutputStream & { text: string } {
  const target = {
    isTTY: false,
    text: '',
    write(chunk: string) {
      target.text += chunk;
      return true;
    },
  };
  return target;
}

describe('run (the command line)', () => {
  let configDir: string;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'difyctl-run-'));
  });

  afterEach(() => rmSync(configDir, { recursive: true, force: true }));

  async function invoke(argv: string[]) {
    const stdout = stream();
    const stderr = stream();
    const code = await run({
      argv,
      env: { DIFY_CONFIG_DIR: configDir },
      stdout,
      stderr,
      stdinIsTTY: false,
      signal: new AbortController().signal,
    });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it('prints help and the version with exit 0', async () => {
    const help = await invoke(['--help']);
    expect(help.code).toBe(EXIT_CODE.ok);
    expect(help.stdout).toContain('Usage: difyctl');
    expect(help.stdout).toContain('Exit codes:');
    expect(await invoke(['--version'])).toMatchObject({ code: 0, stdout: `${DIFYCTL_VERSION}\n` });
    expect((await invoke(['help', 'devices'])).code).toBe(EXIT_CODE.ok);
  });

  it('exits 2 with a one-line hint on unknown commands, flags and missing arguments', async () => {
    for (const argv of [
      [],
      ['frobnicate'],
      ['login', '--nope'],
      ['workspaces', 'switch'],
      ['auth'],
    ]) {
      expect((await invoke(argv)).code).toBe(EXIT_CODE.usage);
    }
    const typo = await invoke(['logn']);
    expect(typo.stderr).toBe(
      "error: unknown command 'logn'\nDid you mean login? Run 'difyctl --help' for usage.\n",
    );
    const json = await invoke(['devices', '--bogus', '--json']);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'usage_error' } });
  });

  it('accepts the auth spellings and reports "not logged in" with exit 4', async () => {
    for (const argv of [['status'], ['auth', 'status'], ['whoami'], ['auth', 'whoami']]) {
      const result = await invoke(argv);
      expect(result.code).toBe(EXIT_CODE.auth);
      expect(result.stdout).toBe("Not logged in. Run 'difyctl auth login' to sign in.\n");
    }
    const json = await invoke(['whoami', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ host: null, logged_in: false });
    expect(json.stderr).toBe('');
  });

  it('refuses plaintext http:// to a remote host without --insecure', async () => {
    const result = await invoke(['login', '--server', 'http://dify.example.com']);
    expect(result.code).toBe(EXIT_CODE.usage);
    expect(result.stderr).toContain('refusing plaintext http:// to dify.example.com');
  });
});
