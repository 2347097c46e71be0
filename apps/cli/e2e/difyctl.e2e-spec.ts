import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CookieJar,
  isolatedKeyPrefix,
  runBuiltCommand,
  ServiceProcess,
  signInToConsole,
  testEnvironment,
  waitFor,
} from '@dify/testing';
import Redis from 'ioredis';
import { Client } from 'pg';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const DIFYCTL_BUNDLE = join(REPO_ROOT, 'dist', 'cli', 'difyctl.js');

interface DifyctlResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface JsonError {
  readonly code: string;
  readonly message: string;
  readonly hint: string | null;
  readonly http_status: number | null;
}

/**
 * The built CLI (dist/cli/difyctl.js) as a child process, the way a person runs it: its own
 * environment and config directory, no TTY (so no browser and no spinner), output captured.
 */
class Difyctl {
  stdout = '';
  stderr = '';
  readonly finished: Promise<DifyctlResult>;
  private readonly child: ChildProcess;

  constructor(args: readonly string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [DIFYCTL_BUNDLE, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), TZ: 'UTC', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.finished = new Promise((resolve) => {
      this.child.once('close', (code, signal) =>
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }),
      );
    });
  }

  /** The user code, once the CLI has printed its `Code:` line on stderr. */
  userCode(): Promise<string> {
    return waitFor(() => /^Code: (\S+)$/m.exec(this.stderr)?.[1], {
      timeoutMs: 20_000,
      description: 'the Code: line on stderr',
    });
  }

  interrupt(): void {
    this.child.kill('SIGINT');
  }
}

const createdDirs: string[] = [];

function freshConfigDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'difyctl-e2e-'));
  createdDirs.push(dir);
  return dir;
}

const credentialsPath = (configDir: string) => join(configDir, 'credentials.json');
const filesIn = (configDir: string) => (existsSync(configDir) ? readdirSync(configDir) : []);
const modeOf = (path: string) => statSync(path).mode & 0o777;

function storedToken(configDir: string): string {
  return (JSON.parse(readFileSync(credentialsPath(configDir), 'utf8')) as { token: string }).token;
}

/** The last stderr line as the `--json` error envelope `{"error":{code,message,hint,http_status}}`. */
function jsonError(result: DifyctlResult): JsonError {
  const lines = result.stderr.trim().split('\n');
  const parsed = JSON.parse(lines[lines.length - 1]) as { error: JsonError };
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(Object.keys(parsed.error).sort()).toEqual(['code', 'hint', 'http_status', 'message']);
  return parsed.error;
}

/** A line like `    at run (file.js:1:2)` would mean an unhandled crash reached the person. */
function expectNoStackTrace(result: DifyctlResult): void {
  expect(result.stderr).not.toMatch(/^\s+at \S.*:\d+:\d+\)?$/m);
}

/**
 * difyctl against the real services: the gateway (`api`), `auth` and a `worker` as processes,
 * the CLI as a child process with a throw-away config directory, and the person approving in
 * the console through the console API. The code interval is a fixed 5 s, so every sign-in the
 * suite needs is started at once in `beforeAll` and each test awaits the one it checks.
 */
describe('difyctl (api, auth and worker processes)', () => {
  const password = 'difyctl-e2e-pass-1';
  const prefix = isolatedKeyPrefix('difyctl');
  const serviceEnv = {
    REDIS_KEY_PREFIX: prefix,
    DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: '1000',
    DEVICE_CODE_RATE_LIMIT_PER_HOUR: '10000',
  };
  let api: ServiceProcess;
  let auth: ServiceProcess;
  let worker: ServiceProcess;
  let strictAuth: ServiceProcess;
  let db: Client;
  let redis: Redis;
  let hostile: Server;
  let hostileUrl: string;
  let alice: { email: string; jar: CookieJar; sideWorkspaceId: string };
  let bob: { email: string; jar: CookieJar };
  let carol: { email: string; jar: CookieJar };

  const dirs = {
    carol: freshConfigDir(),
    alice: freshConfigDir(),
    bob: freshConfigDir(),
    denied: freshConfigDir(),
    expired: freshConfigDir(),
  };
  let aliceLogin: Promise<DifyctlResult>;
  let bobLogin: Promise<DifyctlResult>;
  let deniedLogin: Promise<DifyctlResult>;
  let expiredLogin: Promise<DifyctlResult>;
  let otherDevice: Promise<{ token: string; token_id: string }>;
  let carolOldToken: string;
  let carolRelogin: Promise<DifyctlResult>;

  const cliEnv = (configDir: string, extra: Record<string, string> = {}) => ({
    DIFY_CONFIG_DIR: configDir,
    DIFY_SERVER: api.baseUrl,
    ...extra,
  });
  const difyctl = (args: string[], configDir: string, extra: Record<string, string> = {}) =>
    new Difyctl(args, cliEnv(configDir, extra)).finished;
  const gatewayHost = () => new URL(api.baseUrl).host;

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(`${api.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  async function decide(decision: 'approve' | 'deny', userCode: string, jar: CookieJar) {
    const response = await post(
      `/openapi/v1/oauth/device/${decision}`,
      { user_code: userCode },
      { cookie: jar.header(), 'x-csrf-token': jar.get('csrf_token') ?? '' },
    );
    expect(response.status).toBe(200);
  }

  const account = (token: string) =>
    fetch(`${api.baseUrl}/openapi/v1/account`, { headers: { authorization: `Bearer ${token}` } });

  function createAccount(name: string): string {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
    const created = runBuiltCommand('accounts', [
      'create',
      '--email',
      email,
      '--name',
      name,
      '--password',
      password,
    ]);
    expect(created.status).toBe(0);
    return email;
  }

  /** A sign-in the CLI starts; `settle` decides it once the code is on screen. */
  function loginThen(args: string[], configDir: string, settle: (code: string) => Promise<void>) {
    const cli = new Difyctl(['login', ...args], cliEnv(configDir));
    void cli.userCode().then(settle);
    return cli.finished;
  }

  /** Another machine signing in, over HTTP, under another device label. */
  async function signInAnotherDevice(jar: CookieJar, label = 'other-laptop') {
    const code = (await (
      await post('/openapi/v1/oauth/device/code', {
        client_id: 'difyctl',
        device_label: label,
      })
    ).json()) as { device_code: string; user_code: string };
    await decide('approve', code.user_code, jar);
    return waitFor(
      async () => {
        const response = await post('/openapi/v1/oauth/device/token', {
          client_id: 'difyctl',
          device_code: code.device_code,
        });
        return (
          response.status === 200 &&
          ((await response.json()) as { token: string; token_id: string })
        );
      },
      { timeoutMs: 30_000, intervalMs: 5_100, description: 'the other device token' },
    );
  }

  beforeAll(async () => {
    auth = await ServiceProcess.start('auth', serviceEnv);
    [api, worker, strictAuth] = await Promise.all([
      ServiceProcess.start('api', { ...serviceEnv, AUTH_INTERNAL_URL: auth.baseUrl }),
      ServiceProcess.start('worker', { ...serviceEnv, WORKER_QUEUES: 'audit,token-usage' }),
      // A server that requires a newer client than this one.
      ServiceProcess.start('auth', { ...serviceEnv, DIFYCTL_MIN_VERSION: '99.0.0' }),
    ]);
    db = new Client({ connectionString: testEnvironment().databaseUrl });
    await db.connect();
    redis = new Redis(testEnvironment().redisUrl);
    hostile = await startHostileServer();
    hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;

    const aliceEmail = createAccount('Alice');
    const bobEmail = createAccount('Bob');
    const carolEmail = createAccount('Carol');
    // Alice also belongs to a second, older-than-nothing workspace to switch to.
    const sideWorkspaceId = randomUUID();
    await db.query(`INSERT INTO tenants (id, name) VALUES ($1, 'Side Project')`, [sideWorkspaceId]);
    await db.query(
      `INSERT INTO tenant_account_joins (id, tenant_id, account_id, role, current)
       SELECT $1, $2, id, 'editor', false FROM accounts WHERE email = $3`,
      [randomUUID(), sideWorkspaceId, aliceEmail],
    );
    const [aliceJar, bobJar, carolJar] = await Promise.all([
      signInToConsole(api.baseUrl, aliceEmail, password),
      signInToConsole(api.baseUrl, bobEmail, password),
      signInToConsole(api.baseUrl, carolEmail, password),
    ]);
    alice = { email: aliceEmail, jar: aliceJar, sideWorkspaceId };
    bob = { email: bobEmail, jar: bobJar };
    carol = { email: carolEmail, jar: carolJar };

    aliceLogin = loginThen(['--json'], dirs.alice, (code) => decide('approve', code, alice.jar));
    bobLogin = loginThen([], dirs.bob, (code) => decide('approve', code, bob.jar));
    deniedLogin = loginThen(['--json'], dirs.denied, (code) => decide('deny', code, alice.jar));
    expiredLogin = loginThen([], dirs.expired, async (code) => {
      // The code outliving its 900 s is what expiry is; removing its state is the same to a poll.
      const deviceCode = await redis.get(`${prefix}user_code:${code}`);
      await redis.del(`${prefix}device_code:${String(deviceCode)}`, `${prefix}user_code:${code}`);
    });
    otherDevice = signInAnotherDevice(alice.jar);
    // Carol is already signed in on this machine (an older session) when she logs in again.
    carolRelogin = signInAnotherDevice(carol.jar, 'old-session').then((old) => {
      carolOldToken = old.token;
      writeFileSync(
        credentialsPath(dirs.carol),
        JSON.stringify({
          server: api.baseUrl,
          token: old.token,
          token_id: old.token_id,
          account: { email: carol.email },
        }),
        { mode: 0o600 },
      );
      return loginThen([], dirs.carol, (code) => decide('approve', code, carol.jar));
    });
    await Promise.all([aliceLogin, bobLogin, otherDevice, carolRelogin]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), auth?.stop(), worker?.stop(), strictAuth?.stop()]);
    await new Promise((resolve) => hostile?.close(resolve));
    await redis?.quit();
    await db?.end();
    for (const dir of createdDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('logs in: Open and Code on stderr, approval, "✓ Logged in", credentials 0600 in a 0700 dir', async () => {
    const result = await bobLogin;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Open: http:\/\/localhost:5001\/device$/m);
    expect(result.stderr).toMatch(/^Code: [A-Z3-9]{4}-[A-Z3-9]{4}$/m);
    expect(result.stderr).toContain(`✓ Logged in to ${gatewayHost()} as ${bob.email} (Bob)`);
    expect(result.stderr).toContain("Workspace: Bob's Workspace");
    expect(modeOf(dirs.bob)).toBe(0o700);
    expect(modeOf(credentialsPath(dirs.bob))).toBe(0o600);
    const stored = JSON.parse(readFileSync(credentialsPath(dirs.bob), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(stored).toMatchObject({
      server: api.baseUrl,
      subject_type: 'account',
      account: { email: bob.email },
    });
    expect(String(stored.token)).toMatch(/^dfoa_/);
    expect(result.stderr).not.toContain(String(stored.token));
    expect((await account(String(stored.token))).status).toBe(200);
  });

  it('login revokes and replaces the credentials already stored for the server', async () => {
    const result = await carolRelogin;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`✓ Logged in to ${gatewayHost()} as ${carol.email} (Carol)`);
    expect((await account(carolOldToken)).status).toBe(401);
    const token = storedToken(dirs.carol);
    expect(token).not.toBe(carolOldToken);
    expect((await account(token)).status).toBe(200);
  });

  it('login --json prints the session as JSON on stdout, without the token', async () => {
    const result = await aliceLogin;
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(body).toMatchObject({
      logged_in: true,
      host: gatewayHost(),
      account: { email: alice.email, name: 'Alice' },
    });
    expect(result.stdout).not.toContain(storedToken(dirs.alice));
    expect(result.stderr).toMatch(/^Code: /m);
  });

  it('whoami and status answer from the file alone, without the network or the token', async () => {
    // A copy of Alice's credentials naming a server that does not exist: any request would fail.
    const offline = freshConfigDir();
    const stored = JSON.parse(readFileSync(credentialsPath(dirs.alice), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(
      credentialsPath(offline),
      JSON.stringify({ ...stored, server: 'http://127.0.0.1:9' }),
      { mode: 0o600 },
    );
    const whoami = await new Difyctl(['whoami', '--json'], { DIFY_CONFIG_DIR: offline }).finished;
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({
      logged_in: true,
      host: '127.0.0.1:9',
      account: { email: alice.email },
      default_workspace: { name: "Alice's Workspace" },
    });
    const status = await new Difyctl(['auth', 'status'], { DIFY_CONFIG_DIR: offline }).finished;
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Logged in to 127.0.0.1:9 as ${alice.email} (Alice)`);
    for (const output of [whoami.stdout, whoami.stderr, status.stdout, status.stderr]) {
      expect(output).not.toContain(String(stored.token));
    }
  });

  it('lists workspaces with the current one marked, and switches', async () => {
    const listed = await difyctl(['workspaces'], dirs.alice);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^\*\s+\S+\s+Alice's Workspace\s+owner$/m);
    expect(listed.stdout).toMatch(
      new RegExp(`^\\s+${alice.sideWorkspaceId}\\s+Side Project\\s+editor$`, 'm'),
    );

    const switched = await difyctl(['workspaces', 'switch', alice.sideWorkspaceId], dirs.alice);
    expect(switched.code).toBe(0);
    expect(switched.stderr).toContain('✓ Switched to workspace Side Project');
    const after = JSON.parse((await difyctl(['workspaces', '--json'], dirs.alice)).stdout) as {
      workspaces: { id: string; current: boolean }[];
    };
    expect(after.workspaces.find((item) => item.current)?.id).toBe(alice.sideWorkspaceId);
    const whoami = JSON.parse((await difyctl(['whoami', '--json'], dirs.alice)).stdout) as Record<
      string,
      unknown
    >;
    expect(whoami).toMatchObject({ default_workspace: { id: alice.sideWorkspaceId } });

    const missing = await difyctl(['workspaces', 'switch', randomUUID(), '--json'], dirs.alice);
    expect(missing.code).toBe(1);
    expect(jsonError(missing)).toMatchObject({ code: 'workspace_not_found', http_status: 404 });
  });

  it('lists devices with this one marked current, and revokes another device', async () => {
    const other = await otherDevice;
    const listed = await difyctl(['devices'], dirs.alice);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`^\\*\\s+\\S+\\s+${hostname().replace(/[.]/g, '\\.')}\\s+difyctl`, 'm'),
    );
    expect(listed.stdout).toMatch(
      new RegExp(`^\\s+${other.token_id}\\s+other-laptop\\s+difyctl`, 'm'),
    );

    const json = JSON.parse((await difyctl(['devices', '--json'], dirs.alice)).stdout) as {
      devices: { id: string; device_label: string; current: boolean }[];
    };
    expect(json.devices.filter((item) => item.current).map((item) => item.device_label)).toEqual([
      hostname(),
    ]);
    expect(json.devices.find((item) => item.id === other.token_id)?.current).toBe(false);

    expect((await account(other.token)).status).toBe(200);
    const revoked = await difyctl(['devices', 'revoke', other.token_id], dirs.alice);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toContain(`✓ Revoked device session ${other.token_id}`);
    expect((await account(other.token)).status).toBe(401);
    // This device is still signed in.
    expect((await account(storedToken(dirs.alice))).status).toBe(200);

    const unknown = await difyctl(['devices', 'revoke', randomUUID(), '--json'], dirs.alice);
    expect(unknown.code).toBe(1);
    expect(jsonError(unknown)).toMatchObject({ code: 'session_not_found', http_status: 404 });
  });

  it('uses DIFY_TOKEN without storing it, and refuses login and logout with it', async () => {
    const empty = freshConfigDir();
    const env = { DIFY_TOKEN: storedToken(dirs.bob) };
    const devices = await difyctl(['devices', '--json'], empty, env);
    expect(devices.code).toBe(0);
    expect((JSON.parse(devices.stdout) as { devices: unknown[] }).devices).toHaveLength(1);
    for (const command of ['login', 'logout']) {
      const refused = await difyctl([command], empty, env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('DIFY_TOKEN');
    }
    expect(filesIn(empty)).toEqual([]);
  });

  it('clears the credentials when the server says the session is gone (401, exit 4)', async () => {
    const token = storedToken(dirs.bob);
    const revoked = await fetch(`${api.baseUrl}/openapi/v1/account/sessions/self`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(200);
    const result = await difyctl(['devices', '--json'], dirs.bob);
    expect(result.code).toBe(4);
    expect(jsonError(result)).toMatchObject({
      code: 'session_expired',
      message: 'session expired or revoked',
      http_status: 401,
    });
    expect(filesIn(dirs.bob)).toEqual([]);
    const status = await difyctl(['status'], dirs.bob);
    expect(status.code).toBe(4);
    expect(status.stdout).toContain("Not logged in. Run 'difyctl auth login' to sign in.");
  });

  it('logs out: revokes on the server first, then deletes the file', async () => {
    const token = storedToken(dirs.alice);
    const result = await difyctl(['logout'], dirs.alice);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`✓ Logged out of ${gatewayHost()}`);
    expect((await account(token)).status).toBe(401);
    expect(filesIn(dirs.alice)).toEqual([]);
    const whoami = await difyctl(['whoami', '--json'], dirs.alice);
    expect(whoami.code).toBe(4);
    expect(JSON.parse(whoami.stdout)).toEqual({ host: null, logged_in: false });
  });

  it('logs out locally even when the server cannot be reached', async () => {
    const dir = freshConfigDir();
    const stored = {
      server: 'http://127.0.0.1:9',
      token: `dfoa_${'x'.repeat(43)}`,
      subject_type: 'account',
    };
    writeFileSync(
      credentialsPath(dir),
      JSON.stringify({ ...stored, account: { email: 'a@example.com' } }),
      { mode: 0o600 },
    );
    const result = await new Difyctl(['logout'], { DIFY_CONFIG_DIR: dir }).finished;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/server revoke failed \(.+\); local credentials cleared anyway/);
    expect(filesIn(dir)).toEqual([]);
  });

  it('ends a denied sign-in with "authorization denied" (exit 4) and writes nothing', async () => {
    const result = await deniedLogin;
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(jsonError(result)).toMatchObject({
      code: 'access_denied',
      message: 'authorization denied',
    });
    expect(filesIn(dirs.denied)).toEqual([]);
  });

  it('ends an expired code with "code expired before authorization" (exit 4) and writes nothing', async () => {
    const result = await expiredLogin;
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('code expired before authorization');
    expect(filesIn(dirs.expired)).toEqual([]);
  });

  it('exits 6 against a server without the device flow (404, or 405 from a non-API listener)', async () => {
    for (const [server, status] of [
      [`${hostileUrl}/no-device-flow`, 404],
      [worker.baseUrl, 405],
    ] as const) {
      const dir = freshConfigDir();
      const result = await new Difyctl(['login', '--json'], {
        DIFY_CONFIG_DIR: dir,
        DIFY_SERVER: server,
      }).finished;
      expect(result.code).toBe(6);
      expect(jsonError(result)).toMatchObject({
        code: 'device_flow_unsupported',
        http_status: status,
      });
      expect(filesIn(dir)).toEqual([]);
    }
  });

  it('exits 6 when the server requires a newer difyctl (426)', async () => {
    const dir = freshConfigDir();
    const result = await new Difyctl(['login', '--json'], {
      DIFY_CONFIG_DIR: dir,
      DIFY_SERVER: strictAuth.baseUrl,
    }).finished;
    expect(result.code).toBe(6);
    expect(jsonError(result)).toMatchObject({ code: 'client_upgrade_required', http_status: 426 });
    const human = await new Difyctl(['login'], {
      DIFY_CONFIG_DIR: dir,
      DIFY_SERVER: strictAuth.baseUrl,
    }).finished;
    expect(human.stderr).toContain('this server needs a newer difyctl than 0.2.0');
    expect(filesIn(dir)).toEqual([]);
  });

  it('exits 130 on Ctrl-C while waiting, leaving no file behind', async () => {
    const dir = freshConfigDir();
    const cli = new Difyctl(['login'], cliEnv(dir));
    await cli.userCode();
    cli.interrupt();
    const result = await cli.finished;
    expect(result.code).toBe(130);
    expectNoStackTrace(result);
    expect(filesIn(dir)).toEqual([]);
  });

  it.each([
    ['an HTML page', 'html', /not JSON/],
    ['truncated JSON', 'truncated', /not JSON/],
    [
      'a javascript: verification_uri',
      'javascript-uri',
      /verification_uri is not an http\(s\) URL/,
    ],
    ['a 200 poll answer without a token', 'no-token', /the server answered 200 without a token/],
    ['a huge code answer', 'huge-code', /larger than/],
    ['a huge poll answer', 'huge-poll', /larger than/],
  ])(
    'refuses %s from a hostile server: exit 1, a message, no stack trace, no credentials',
    async (_name, scenario, message) => {
      const dir = freshConfigDir();
      const env = { DIFY_CONFIG_DIR: dir, DIFY_SERVER: `${hostileUrl}/${scenario}` };
      const [human, json] = await Promise.all([
        new Difyctl(['login'], env).finished,
        new Difyctl(['login', '--json'], { ...env, DIFY_CONFIG_DIR: freshConfigDir() }).finished,
      ]);
      expect(human.code).toBe(1);
      expect(human.stderr).toMatch(message);
      expectNoStackTrace(human);
      expect(json.code).toBe(1);
      expect(jsonError(json).message).toMatch(message);
      expect(filesIn(dir)).toEqual([]);
    },
  );

  it('exits 2 with a one-line hint on an unknown command or flag', async () => {
    for (const args of [['frobnicate'], ['login', '--frobnicate']]) {
      const result = await difyctl(args, freshConfigDir());
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^error: unknown (command|option)/),
        "Run 'difyctl --help' for usage.",
      ]);
    }
  });
});

/**
 * A server that answers the device flow badly, one way per path prefix: what a misconfigured
 * proxy, a captive portal or a hostile host might send.
 */
function startHostileServer(): Promise<Server> {
  const goodCode = (base: string) => ({
    device_code: `dc_${'h'.repeat(43)}`,
    user_code: 'HSTL-CODE',
    verification_uri: `${base}/device`,
    interval: 1,
    expires_in: 60,
  });
  const huge = (response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = `"${'x'.repeat(64 * 1024)}",`;
    let sent = 0;
    const pump = () => {
      // 64 MiB in all unless the client hangs up first, which it should after a megabyte.
      while (sent < 1024 && response.write(chunk)) sent += 1;
      if (sent >= 1024) response.end(']');
      else response.once('drain', pump);
    };
    response.write('[');
    pump();
  };
  const server = createServer((request, response) => {
    request.resume();
    const [, scenario = '', ...rest] = (request.url ?? '').split('/');
    const path = `/${rest.join('/')}`;
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const base = `http://${request.headers.host ?? ''}/${scenario}`;
    const isCode = path === '/openapi/v1/oauth/device/code';
    switch (scenario) {
      case 'html':
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><html><body>Sign in to the Wi-Fi</body></html>');
        return;
      case 'truncated':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"device_code":"dc_abc","user_code":"ABCD-');
        return;
      case 'javascript-uri':
        json(200, { ...goodCode(base), verification_uri: 'javascript:alert(document.cookie)' });
        return;
      case 'no-token':
        if (isCode) json(200, goodCode(base));
        else json(200, { token_type: 'Bearer', expires_in: 3600 });
        return;
      case 'huge-code':
        huge(response);
        return;
      case 'huge-poll':
        if (isCode) json(200, goodCode(base));
        else huge(response);
        return;
      default:
        // What the gateway answers for a route it does not have.
        json(404, { code: 'not_found', message: `Cannot ${request.method} ${path}`, status: 404 });
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
