// A console account for the scenarios that approve codes: created with the real operator command
// (dist/accounts/main.js), then signed in once through the gateway like the console's browser.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { HarnessError } from './services.mjs';

export async function createConsoleAccount(root, env) {
  const email = `bench-approver-${randomBytes(4).toString('hex')}@example.com`;
  // The password policy wants a digit; base64url may not give one.
  const password = `bench-7-${randomBytes(12).toString('base64url')}`;
  const args = ['create', '--email', email, '--name', 'Bench', '--password', password];
  const child = spawn(process.execPath, ['dist/accounts/main.js', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const status = await new Promise((resolve) => child.once('exit', resolve));
  if (status !== 0) throw new HarnessError(`accounts create failed:\n${output}`);
  return { email, password };
}

/** The session cookies and the CSRF token a signed-in console page holds. */
export async function signIn(gatewayUrl, { email, password }) {
  const response = await fetch(`${gatewayUrl}/console/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) {
    throw new HarnessError(`console sign-in answered ${response.status}`);
  }
  const cookies = new Map(
    response.headers.getSetCookie().map((header) => {
      const [pair] = header.split(';');
      const at = pair.indexOf('=');
      return [pair.slice(0, at).trim(), pair.slice(at + 1)];
    }),
  );
  const csrf = cookies.get('csrf_token');
  if (!csrf) throw new HarnessError('console sign-in set no csrf_token cookie');
  return {
    cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    csrf,
  };
}
