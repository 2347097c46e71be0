import { randomUUID } from 'node:crypto';
import {
  type CookieJar,
  runBuiltCommand,
  ServiceProcess,
  signInToConsole,
  type ThrowawayBackends,
  timedFetch,
  type TimedAnswer,
} from '@dify/testing';

/**
 * The device flow and console calls the fault tests drive through the gateway, against services
 * that run on a test's own Redis and Postgres.
 */
export class FaultFlow {
  readonly password = 'fault-pass-1';
  readonly email = `faults-${randomUUID()}@example.com`;
  browser!: CookieJar;

  private constructor(
    readonly api: ServiceProcess,
    readonly auth: ServiceProcess,
  ) {}

  static async start(backends: ThrowawayBackends): Promise<FaultFlow> {
    const auth = await ServiceProcess.start('auth', {
      ...backends.env,
      DEVICE_FLOW_APPROVE_RATE_LIMIT_PER_HOUR: '1000',
      DEVICE_CODE_RATE_LIMIT_PER_HOUR: '10000',
      DEVICE_LOOKUP_RATE_LIMIT_PER_5MIN: '10000',
    });
    const api = await ServiceProcess.start('api', {
      ...backends.env,
      AUTH_INTERNAL_URL: auth.baseUrl,
      LOGIN_FAILURES_PER_IP: '1000',
      OPENAPI_RATE_LIMIT_PER_TOKEN: '0',
      ACCOUNT_RATE_LIMIT_PER_MINUTE: '100000',
    });
    const flow = new FaultFlow(api, auth);
    const created = runBuiltCommand(
      'accounts',
      ['create', '--email', flow.email, '--name', 'Faults', '--password', flow.password],
      backends.env,
    );
    if (created.status !== 0) throw new Error(`account creation failed: ${created.stderr}`);
    flow.browser = await signInToConsole(api.baseUrl, flow.email, flow.password);
    return flow;
  }

  async stop(): Promise<void> {
    await Promise.all([this.api.stop(), this.auth.stop()]);
  }

  url(path: string): string {
    return `${this.api.baseUrl}${path}`;
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<TimedAnswer> {
    return timedFetch(this.url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  get(path: string, headers: Record<string, string> = {}): Promise<TimedAnswer> {
    return timedFetch(this.url(path), { headers });
  }

  requestCode(): Promise<TimedAnswer> {
    return this.post('/openapi/v1/oauth/device/code', {
      client_id: 'difyctl',
      device_label: `laptop-${randomUUID()}`,
    });
  }

  poll(deviceCode: string): Promise<TimedAnswer> {
    return this.post('/openapi/v1/oauth/device/token', {
      client_id: 'difyctl',
      device_code: deviceCode,
    });
  }

  approve(userCode: string): Promise<TimedAnswer> {
    return this.post(
      '/openapi/v1/oauth/device/approve',
      { user_code: userCode },
      { cookie: this.browser.header(), 'x-csrf-token': this.browser.get('csrf_token') ?? '' },
    );
  }

  profile(): Promise<TimedAnswer> {
    return this.get('/console/api/account/profile', { cookie: this.browser.header() });
  }

  login(): Promise<TimedAnswer> {
    return this.post('/console/api/login', { email: this.email, password: this.password });
  }

  account(token: string): Promise<TimedAnswer> {
    return this.get('/openapi/v1/account', { authorization: `Bearer ${token}` });
  }

  sessions(token: string): Promise<TimedAnswer> {
    return this.get('/openapi/v1/account/sessions', { authorization: `Bearer ${token}` });
  }

  /** A whole sign-in: code, approval, the poll that collects the token. */
  async signInDevice(): Promise<string> {
    const code = (await this.requestCode()).body as { device_code: string; user_code: string };
    const approved = await this.approve(code.user_code);
    if (approved.status !== 200) throw new Error(`approve answered ${approved.status}`);
    const granted = await this.poll(code.device_code);
    if (granted.status !== 200) throw new Error(`poll answered ${granted.status}`);
    return (granted.body as { token: string }).token;
  }
}
