import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  isolatedKeyPrefix,
  runBuiltCommand,
  ServiceProcess,
  waitFor,
} from '@dify/testing';
import type { Browser } from 'playwright-core';
import {
  launchChromium,
  openPage,
  screenshot,
  seriousAccessibilityViolations,
  waitForView,
} from './browser-harness';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The whole sign-in as a person does it: `npm run difyctl -- login --no-browser` in a terminal,
 * the printed link opened in Chromium, the code confirmed, the console sign-in, Authorize, and
 * the CLI finishing on its own with the token stored.
 */
describe('signing in the CLI through the /device page', () => {
  const email = `journey-${randomUUID()}@example.com`;
  const password = 'journey-pass-1';
  let webUrl: string;
  let auth: ServiceProcess;
  let api: ServiceProcess;
  let browser: Browser;
  let configDir: string;
  let cli: ChildProcess | undefined;

  beforeAll(async () => {
    const apiPort = await freePort();
    webUrl = `http://127.0.0.1:${apiPort}`;
    // A key prefix of its own: the per-IP issuance bucket of 127.0.0.1 is not shared with the
    // other suites of the run, which request codes from the same address.
    const urls = {
      CONSOLE_WEB_URL: webUrl,
      CONSOLE_API_URL: webUrl,
      REDIS_KEY_PREFIX: isolatedKeyPrefix('cli-journey'),
    };
    const [started, launched] = await Promise.all([
      ServiceProcess.start('auth', urls),
      launchChromium(),
    ]);
    auth = started;
    browser = launched;
    api = await ServiceProcess.start(
      'api',
      { ...urls, AUTH_INTERNAL_URL: auth.baseUrl },
      { port: apiPort },
    );
    const created = runBuiltCommand('accounts', [
      'create',
      '--email',
      email,
      '--name',
      'Grace Hopper',
      '--password',
      password,
      '--workspace',
      'Journey Team',
    ]);
    expect(created.status).toBe(0);
    configDir = mkdtempSync(join(tmpdir(), 'difyctl-journey-'));
  });

  afterAll(async () => {
    cli?.kill('SIGKILL');
    await browser?.close();
    await Promise.all([api?.stop(), auth?.stop()]);
    rmSync(configDir, { recursive: true, force: true });
  });

  it('ends with "✓ Logged in" in the terminal and the token stored 0600', async () => {
    let stdout = '';
    let stderr = '';
    cli = spawn(NPM, ['run', '-s', 'difyctl', '--', 'login', '--no-browser'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: configDir,
        DIFY_CONFIG_DIR: configDir,
        DIFY_SERVER: webUrl,
        TZ: 'UTC',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cli.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    cli.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => cli?.once('close', resolve));

    const link = await waitFor(() => /^Link: (\S+)$/m.exec(stderr)?.[1], {
      timeoutMs: 30_000,
      description: 'the Link: line of difyctl login',
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}\ndifyctl stderr so far:\n${stderr}`);
    });
    const userCode = /^Code: (\S+)$/m.exec(stderr)?.[1];
    expect(link).toBe(`${webUrl}/device?user_code=${userCode}`);

    const { page, problems, context } = await openPage(browser);
    try {
      await page.goto(link);
      await waitForView(page, 'confirm_code');
      expect(page.url()).toBe(`${webUrl}/device`);
      expect(await page.locator('main').innerText()).toContain(String(userCode));
      await page.getByRole('button', { name: 'Yes, it matches' }).click();
      await waitForView(page, 'chooser');
      await page.getByRole('button', { name: 'Sign in with Dify account' }).click();
      await page.waitForURL(`${webUrl}/signin`);
      await waitForView(page, 'signin');
      await page.keyboard.type(email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(password);
      await page.keyboard.press('Enter');
      await waitForView(page, 'authorize_account');
      expect(await page.locator('main').innerText()).toContain('Grace Hopper');
      await page.getByRole('button', { name: 'Authorize' }).click();
      await waitForView(page, 'success');
      await screenshot(page, 'cli-journey-success');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      expect(problems.errors).toEqual([]);
      expect(problems.cspViolations).toEqual([]);
    } finally {
      await context.close();
    }

    // The CLI polls every 5 s: it notices the approval on its next poll and exits by itself.
    expect(await exited).toBe(0);
    expect(stderr).toContain(`✓ Logged in to 127.0.0.1:${api.port} as ${email} (Grace Hopper)`);
    expect(stdout).toBe('');
    expect(statSync(join(configDir, 'credentials.json')).mode & 0o777).toBe(0o600);

    const whoami = spawn(NPM, ['run', '-s', 'difyctl', '--', 'whoami', '--json'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: configDir, DIFY_CONFIG_DIR: configDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let whoamiOut = '';
    whoami.stdout?.setEncoding('utf8').on('data', (chunk: string) => (whoamiOut += chunk));
    expect(await new Promise((resolve) => whoami.once('close', resolve))).toBe(0);
    expect(JSON.parse(whoamiOut)).toMatchObject({ logged_in: true });
  });
});
