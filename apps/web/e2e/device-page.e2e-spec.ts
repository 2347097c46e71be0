import { consoleCookieNames } from '@dify/domain';
import { randomUUID } from 'node:crypto';
import {
  type CookieJar,
  freePort,
  runBuiltCommand,
  ServiceProcess,
  signInToConsole,
} from '@dify/testing';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  openPage,
  type PageProblems,
  screenshot,
  seriousAccessibilityViolations,
  waitForView,
  type WatchedPage,
} from './browser-harness';

// The pages are served over http here, so the cookies carry their plain names.
const HTTP_COOKIES = consoleCookieNames({ secure: false });

interface CodeResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
}

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The /signin and /device pages in Chromium, served by the gateway process, which proxies the
 * device endpoints to the auth process. The test plays the CLI over HTTP (code request, polls)
 * and a person in the browser, keyboard first.
 */
describe('the /device and /signin pages in a real browser', () => {
  const password = 'web-pages-pass-1';
  const email = `person-${randomUUID()}@example.com`;
  const lockedEmail = `locked-${randomUUID()}@example.com`;
  let webUrl: string;
  let authEnv: Record<string, string>;
  let auth: ServiceProcess;
  let api: ServiceProcess;
  let browser: Browser;
  const opened: WatchedPage[] = [];
  let nextIp = 1;

  beforeAll(async () => {
    const apiPort = await freePort();
    webUrl = `http://127.0.0.1:${apiPort}`;
    authEnv = {
      CONSOLE_WEB_URL: webUrl,
      CONSOLE_API_URL: webUrl,
      DEVICE_LOOKUP_RATE_LIMIT_PER_5MIN: '20',
      DEVICE_CODE_RATE_LIMIT_PER_HOUR: '10000',
      DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: '1000',
    };
    const [started, launched] = await Promise.all([
      ServiceProcess.start('auth', authEnv),
      launchChromium(),
    ]);
    auth = started;
    browser = launched;
    api = await ServiceProcess.start(
      'api',
      {
        AUTH_INTERNAL_URL: auth.baseUrl,
        CONSOLE_WEB_URL: webUrl,
        CONSOLE_API_URL: webUrl,
        LOGIN_FAILURES_PER_EMAIL: '3',
        LOGIN_FAILURES_PER_IP: '1000',
      },
      { port: apiPort },
    );
    for (const [who, workspace] of [
      [email, 'Web Team'],
      [lockedEmail, 'Locked Team'],
    ]) {
      const created = runBuiltCommand('accounts', [
        'create',
        '--email',
        who,
        '--name',
        'Ada Lovelace',
        '--password',
        password,
        '--workspace',
        workspace,
      ]);
      expect(created.status).toBe(0);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([api?.stop(), auth?.stop()]);
  });

  afterEach(async () => {
    // Whatever the test did, no page may have thrown or hit its own Content-Security-Policy.
    for (const { problems, context } of opened.splice(0)) {
      await context.close();
      expect(problems.errors).toEqual([]);
      expect(problems.cspViolations).toEqual([]);
    }
  });

  /** A person at their own address: rate limits are per client IP, and tests must not share. */
  async function person(options: Parameters<Browser['newContext']>[0] = {}): Promise<WatchedPage> {
    const ip = `203.0.113.${nextIp++}`;
    const watched = await openPage(browser, {
      extraHTTPHeaders: { 'x-forwarded-for': ip },
      ...options,
    });
    opened.push(watched);
    return watched;
  }

  async function requestCode(): Promise<CodeResponse> {
    const response = await fetch(`${webUrl}/openapi/v1/oauth/device/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'difyctl/0.3.0 (linux; x64)' },
      body: JSON.stringify({ client_id: 'difyctl', device_label: `laptop-${randomUUID()}` }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as CodeResponse;
  }

  async function poll(
    deviceCode: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${webUrl}/openapi/v1/oauth/device/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'difyctl', device_code: deviceCode }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function lookup(userCode: string): Promise<{ valid: boolean }> {
    const response = await fetch(
      `${webUrl}/openapi/v1/oauth/device/lookup?user_code=${encodeURIComponent(userCode)}`,
      { headers: { 'x-forwarded-for': '198.51.100.200' } },
    );
    return (await response.json()) as { valid: boolean };
  }

  /** A browser that already holds a console session (signed in through the API). */
  async function signedIn(watched: WatchedPage): Promise<CookieJar> {
    const jar = await signInToConsole(webUrl, email, password);
    const cookies = Object.values(jar.names).flatMap((name) => {
      const value = jar.get(name);
      return value ? [{ name, value, url: webUrl }] : [];
    });
    await watched.context.addCookies(cookies);
    return jar;
  }

  async function checkView(page: Page, name: string, shot = name): Promise<void> {
    await waitForView(page, name);
    await screenshot(page, shot);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  }

  const text = (page: Page): Promise<string> => page.locator('main').innerText();
  const focusedId = (page: Page): Promise<string> =>
    page.evaluate(() => document.activeElement?.id ?? '');
  const focusedTag = (page: Page): Promise<string> =>
    page.evaluate(() => document.activeElement?.tagName ?? '');

  async function signInThroughPage(page: Page): Promise<void> {
    await checkView(page, 'signin');
    expect(await focusedId(page)).toBe('email');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
  }

  function approvals(problems: PageProblems): PageProblems['requests'] {
    return problems.requests.filter(
      (request) => request.method === 'POST' && request.url.endsWith('/oauth/device/approve'),
    );
  }

  it('serves the pages uncached with a strict policy, and their hashed assets for a year', async () => {
    for (const path of ['/device', '/signin', '/device?user_code=ABCD-EFGH']) {
      const response = await fetch(`${webUrl}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await response.text();
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
      expect(html).not.toContain('style=');
      const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets).toHaveLength(3);
      for (const asset of assets) {
        const answer = await fetch(`${webUrl}${asset}`);
        expect(answer.status).toBe(200);
        expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
        expect(answer.headers.get('content-type')).toMatch(
          /^(text\/javascript|text\/css|image\/svg\+xml)/,
        );
      }
    }
    for (const path of [
      '/assets/nothing-ABCDEFGH.js',
      '/assets/..%2F..%2Fpackage.json',
      '/device/x',
    ]) {
      const response = await fetch(`${webUrl}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'not_found', status: 404 });
    }
    const head = await fetch(`${webUrl}/device`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('cache-control')).toBe('no-store');
    const code = await requestCode();
    expect(code.verification_uri).toBe(`${webUrl}/device`);
    expect(code.verification_uri_complete).toBe(`${webUrl}/device?user_code=${code.user_code}`);
  });

  it('takes a typed code through sign-in to success, by keyboard alone', async () => {
    const cli = await requestCode();
    const { page, context, problems } = await person();
    await page.goto(cli.verification_uri);
    await checkView(page, 'code_entry');
    expect(await text(page)).toContain('Authorize difyctl');
    expect(await text(page)).toContain('Enter the code shown in your terminal');
    expect(await focusedId(page)).toBe('user-code');
    const input = page.locator('#user-code');
    expect(await input.getAttribute('placeholder')).toBe('XXXX-XXXX');
    const continueButton = page.getByRole('button', { name: 'Continue' });
    expect(await continueButton.isDisabled()).toBe(true);

    // Lower case, a space instead of the dash, and a character outside the alphabet.
    const [first, second] = cli.user_code.split('-');
    await page.keyboard.type(first.toLowerCase());
    expect(await input.inputValue()).toBe(first);
    await page.keyboard.type(` ${second.slice(0, 2).toLowerCase()}0`);
    expect(await input.inputValue()).toBe(`${first}-${second.slice(0, 2)}`);
    expect(await continueButton.isDisabled()).toBe(true);
    await page.keyboard.type(second.slice(2).toLowerCase());
    expect(await input.inputValue()).toBe(cli.user_code);
    expect(await continueButton.isDisabled()).toBe(false);
    await page.keyboard.press('Enter');

    await checkView(page, 'chooser');
    expect(await text(page)).toContain('Sign in to authorize');
    expect(await text(page)).toContain(cli.user_code);
    expect(await text(page)).not.toContain('Sign in with SSO');
    expect(await focusedTag(page)).toBe('H1');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    await page.waitForURL(`${webUrl}/signin`);
    expect(
      await page.evaluate(() => JSON.parse(sessionStorage.getItem('dify.device.return') ?? 'null')),
    ).toMatchObject({ target: `/device?user_code=${cli.user_code}`, confirmed: true });
    await waitForView(page, 'signin');
    expect(await text(page)).toContain('Sign in to authorize difyctl with your Dify account.');
    await signInThroughPage(page);

    // Back on the device page, straight to the decision: the code was confirmed before sign-in.
    await checkView(page, 'authorize_account');
    expect(page.url()).toBe(`${webUrl}/device`);
    const authorize = await text(page);
    expect(authorize).toContain('difyctl is asking for access to your Dify account');
    expect(authorize).toContain('If you did not start this sign-in, cancel.');
    expect(authorize).toContain(cli.user_code);
    expect(authorize).toContain('Ada Lovelace');
    expect(authorize).toContain(email);
    expect(authorize).toContain('Workspace: Web Team');
    expect(await page.evaluate(() => sessionStorage.getItem('dify.device.return'))).toBeNull();
    expect(approvals(problems)).toHaveLength(0);

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Authorize');
    await page.keyboard.press('Enter');
    await checkView(page, 'success');
    expect(await text(page)).toContain("You're signed in");
    expect(await text(page)).toContain('Return to your terminal');
    expect(await page.getByRole('link', { name: 'Go to the Dify console' }).count()).toBe(1);

    // Approve carried the CSRF header, and the page never held a token or the session cookie.
    const csrf = (await context.cookies()).find((cookie) => cookie.name === HTTP_COOKIES.csrf);
    expect(approvals(problems).map((request) => request.headers['x-csrf-token'])).toEqual([
      csrf?.value,
    ]);
    const answer = await poll(cli.device_code);
    expect(answer.status).toBe(200);
    const token = String(answer.body.token);
    expect(token).toMatch(/^dfoa_/);
    expect(problems.apiBodies.join('\n')).not.toContain(token);
    expect(problems.apiBodies.join('\n')).not.toContain('dfoa_');
    expect(await page.evaluate(() => document.cookie)).not.toContain(HTTP_COOKIES.access);
  });

  it('walks the whole journey from verification_uri_complete, and the CLI gets a working token', async () => {
    const cli = await requestCode();
    const { page, problems } = await person();
    await page.goto(cli.verification_uri_complete);
    await checkView(page, 'confirm_code');

    // The code left the address bar and the history as soon as it was read.
    expect(page.url()).toBe(`${webUrl}/device`);
    const session = await page.context().newCDPSession(page);
    const history = (await session.send('Page.getNavigationHistory')) as {
      entries: { url: string }[];
    };
    expect(history.entries.map((entry) => entry.url)).not.toContainEqual(
      expect.stringContaining('user_code'),
    );
    expect(history.entries.at(-1)?.url).toBe(`${webUrl}/device`);

    const confirm = await text(page);
    expect(confirm).toContain(cli.user_code);
    expect(confirm).toContain('Check that this matches the code in your terminal');
    expect(await page.getByRole('button', { name: "This isn't my code" }).count()).toBe(1);
    // Nothing moves towards approval without the person's click.
    expect(approvals(problems)).toHaveLength(0);
    expect(await lookup(cli.user_code)).toMatchObject({ valid: true });

    await page.getByRole('button', { name: 'Yes, it matches' }).click();
    await checkView(page, 'chooser');
    await page.getByRole('button', { name: 'Sign in with Dify account' }).click();
    await page.waitForURL(`${webUrl}/signin`);
    await signInThroughPage(page);
    await waitForView(page, 'authorize_account');
    expect(approvals(problems)).toHaveLength(0);
    await page.getByRole('button', { name: 'Authorize' }).click();
    await waitForView(page, 'success');

    const answer = await poll(cli.device_code);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', account: { email } });
    const account = await fetch(`${webUrl}/openapi/v1/account`, {
      headers: { authorization: `Bearer ${String(answer.body.token)}` },
    });
    expect(account.status).toBe(200);
  });

  it('goes back to code entry when the code in the URL is not theirs', async () => {
    const cli = await requestCode();
    const { page } = await person();
    await page.goto(cli.verification_uri_complete);
    await waitForView(page, 'confirm_code');
    await page.getByRole('button', { name: "This isn't my code" }).click();
    await waitForView(page, 'code_entry');
    expect(await page.locator('#user-code').inputValue()).toBe('');
    expect(await focusedId(page)).toBe('user-code');
  });

  it('scrubs sso_verified and sso_error from the URL too, valid or not', async () => {
    const { page } = await person();
    for (const query of [
      'sso_verified=1&sso_error=sso_failed',
      'sso_verified=yes',
      'sso_error=%3Cb%3E',
    ]) {
      await page.goto(`${webUrl}/device?${query}`);
      await waitForView(page, 'code_entry');
      expect(page.url()).toBe(`${webUrl}/device`);
      expect(await page.evaluate(() => window.location.search)).toBe('');
    }
  });

  it('cancels a request, and the CLI hears access_denied', async () => {
    const cli = await requestCode();
    const watched = await person();
    await signedIn(watched);
    const { page } = watched;
    await page.goto(cli.verification_uri_complete);
    await waitForView(page, 'confirm_code');
    await page.getByRole('button', { name: 'Yes, it matches' }).click();
    await waitForView(page, 'authorize_account');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await checkView(page, 'denied');
    expect(await text(page)).toContain('Request cancelled');
    expect(await text(page)).toContain('difyctl was not signed in');
    expect(await text(page)).toContain('You can close this tab.');
    expect((await poll(cli.device_code)).body).toEqual({ error: 'access_denied' });
  });

  it('shows approve failures inline and stays on the decision', async () => {
    const watched = await person();
    const jar = await signedIn(watched);
    const { page } = watched;

    // Someone else decided first.
    const decided = await requestCode();
    await page.goto(decided.verification_uri_complete);
    await waitForView(page, 'confirm_code');
    await page.getByRole('button', { name: 'Yes, it matches' }).click();
    await waitForView(page, 'authorize_account');
    const deny = await fetch(`${webUrl}/openapi/v1/oauth/device/deny`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: jar.header(),
        'x-csrf-token': jar.get('csrf_token') ?? '',
      },
      body: JSON.stringify({ user_code: decided.user_code }),
    });
    expect(deny.status).toBe(200);
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'This code was already approved or denied.' })
      .waitFor();
    expect(await page.locator('main').getAttribute('data-view')).toBe('authorize_account');
    await screenshot(page, 'authorize_account-inline-error');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await page.getByRole('button', { name: 'Authorize' }).isEnabled()).toBe(true);
    // The button keeps the keyboard focus it had when it was pressed.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Authorize');

    // A CSRF value that no longer matches the cookie (say, another tab rotated the session).
    const pending = await requestCode();
    await page.goto(pending.verification_uri_complete);
    await waitForView(page, 'confirm_code');
    await page.getByRole('button', { name: 'Yes, it matches' }).click();
    await waitForView(page, 'authorize_account');
    await page.route('**/openapi/v1/oauth/device/approve', (route) =>
      route.continue({ headers: { ...route.request().headers(), 'x-csrf-token': 'stale-value' } }),
    );
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'We could not verify the request. Refresh the page and try again.' })
      .waitFor();
    expect(await page.locator('main').getAttribute('data-view')).toBe('authorize_account');
    expect(await lookup(pending.user_code)).toMatchObject({ valid: true });
  });

  it('says a code is no longer valid when it is unknown or already used', async () => {
    const { page } = await person();
    await page.goto(`${webUrl}/device`);
    await waitForView(page, 'code_entry');
    await page.keyboard.type('HJKL-MNPQ');
    await page.keyboard.press('Enter');
    await checkView(page, 'error_expired');
    expect(await text(page)).toContain('Code no longer valid');
    expect(await text(page)).toContain(
      'Expired or already used. Run difyctl auth login for a new code.',
    );
    await page.getByRole('button', { name: 'Try a different code' }).click();
    await waitForView(page, 'code_entry');

    const used = await requestCode();
    const jar = await signInToConsole(webUrl, email, password);
    const approve = await fetch(`${webUrl}/openapi/v1/oauth/device/approve`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: jar.header(),
        'x-csrf-token': jar.get('csrf_token') ?? '',
      },
      body: JSON.stringify({ user_code: used.user_code }),
    });
    expect(approve.status).toBe(200);
    expect((await poll(used.device_code)).status).toBe(200);
    await page.goto(used.verification_uri_complete);
    await waitForView(page, 'error_expired');
    expect(page.url()).toBe(`${webUrl}/device`);
  });

  it('says "Too many attempts" once the lookup limit for this address is spent', async () => {
    const cli = await requestCode();
    const ip = '198.51.100.77';
    const { page } = await person({ extraHTTPHeaders: { 'x-forwarded-for': ip } });
    await page.goto(`${webUrl}/device`);
    await waitForView(page, 'code_entry');
    let status = 200;
    for (let attempt = 0; attempt < 50 && status !== 429; attempt += 1) {
      const response = await fetch(
        `${webUrl}/openapi/v1/oauth/device/lookup?user_code=${cli.user_code}`,
        { headers: { 'x-forwarded-for': ip } },
      );
      status = response.status;
    }
    expect(status).toBe(429);
    await page.keyboard.type(cli.user_code);
    await page.keyboard.press('Enter');
    await checkView(page, 'error_rate_limited');
    expect(await text(page)).toContain('Too many attempts');
    expect(await text(page)).toContain('Wait a moment and try again');
  });

  it('says "Could not verify the code" when the lookup fails on the server', async () => {
    const cli = await requestCode();
    const { page } = await person();
    await page.goto(`${webUrl}/device`);
    await waitForView(page, 'code_entry');
    await auth.stop();
    try {
      await page.keyboard.type(cli.user_code);
      await page.keyboard.press('Enter');
      await checkView(page, 'error_lookup_failed');
      expect(await text(page)).toContain('Could not verify the code');
      expect(await text(page)).toContain('Something went wrong on our side');
    } finally {
      auth = await ServiceProcess.start('auth', authEnv, { port: auth.port });
    }
    await page.getByRole('button', { name: 'Try again' }).click();
    await waitForView(page, 'code_entry');
    await page.keyboard.type(cli.user_code);
    await page.keyboard.press('Enter');
    await waitForView(page, 'chooser');
  });

  it.each([
    ['a script', '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'],
    ['10 KB', `ABCD-${'E'.repeat(10 * 1024)}`],
    ['Unicode bidi controls', '\u202eHGFE-DCBA\u202c\u2066\u2069'],
  ])('renders a hostile user_code (%s) as nothing but a refusal', async (_label, hostile) => {
    const { page } = await person();
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs += 1;
      void dialog.dismiss();
    });
    await page.goto(`${webUrl}/device?user_code=${encodeURIComponent(hostile)}`);
    await waitForView(page, 'error_expired');
    expect(page.url()).toBe(`${webUrl}/device`);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBe(
      undefined,
    );
    expect(dialogs).toBe(0);
    expect(await page.locator('main img, main script').count()).toBe(0);
    const body = await page.locator('body').innerText();
    expect(body).not.toContain('<script');
    expect(body).not.toContain('\u202e');
    expect(body).not.toContain('EEEEEEEE');
  });

  it('shows a code wrapped in bidi controls only as its clean characters', async () => {
    const cli = await requestCode();
    const { page } = await person();
    await page.goto(
      `${webUrl}/device?user_code=${encodeURIComponent(`\u202e${cli.user_code.toLowerCase()}\u202c`)}`,
    );
    await waitForView(page, 'confirm_code');
    expect(await page.locator('.code').innerText()).toBe(cli.user_code);
  });

  it('shows sign-in errors and the lockout as copy, and never returns anywhere but /device', async () => {
    const { page } = await person();
    await page.goto(`${webUrl}/signin`);
    await waitForView(page, 'signin');
    await page.keyboard.press('Enter');
    await page
      .getByRole('alert')
      .filter({ hasText: 'Enter your email address and password.' })
      .waitFor();

    await page.locator('#email').fill(email);
    await page.locator('#password').fill('not-the-password-1');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Incorrect email or password.' }).waitFor();
    expect(await focusedId(page)).toBe('password');
    await screenshot(page, 'signin-error');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // A tampered return target is ignored: sign-in lands on the bare device page.
    await page.evaluate(() =>
      sessionStorage.setItem(
        'dify.device.return',
        JSON.stringify({ target: '//evil.example/device', ts: Date.now(), confirmed: true }),
      ),
    );
    await page.locator('#password').fill(password);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${webUrl}/device`);
    await waitForView(page, 'code_entry');
    expect(await page.evaluate(() => sessionStorage.getItem('dify.device.return'))).toBeNull();
  });

  it('locks sign-in after repeated failures and says for how long', async () => {
    const { page } = await person();
    await page.goto(`${webUrl}/signin`);
    await waitForView(page, 'signin');
    await page.locator('#email').fill(lockedEmail);
    const alert = page.getByRole('alert');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await page.locator('#password').fill(`wrong-password-${attempt}`);
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        () =>
          document.querySelector('#inline-error')?.textContent !== '' &&
          !document.querySelector('button[disabled]'),
      );
      if ((await alert.innerText()).startsWith('Too many failed sign-ins')) break;
    }
    expect(await alert.innerText()).toMatch(
      /^Too many failed sign-ins\. Try again in \d+ minutes?\.$/,
    );
    await screenshot(page, 'signin-locked');
  });

  it('reads on a phone in the dark without layout shift', async () => {
    const cli = await requestCode();
    const { page } = await person({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      colorScheme: 'dark',
    });
    await page.goto(cli.verification_uri);
    await checkView(page, 'code_entry', 'code_entry-phone-dark');
    const shift = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let total = 0;
          new PerformanceObserver((entries) => {
            for (const entry of entries.getEntries() as (PerformanceEntry & { value: number })[]) {
              total += entry.value;
            }
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => resolve(total), 200);
        }),
    );
    expect(shift).toBeLessThan(0.1);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);
    await page.goto(cli.verification_uri_complete);
    await checkView(page, 'confirm_code', 'confirm_code-phone-dark');
  });
});
