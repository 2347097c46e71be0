import { CONSOLE_COOKIE_BASE_NAMES, type ConsoleCookieNames } from '@dify/domain';
import { CookieJar } from './cookie-jar';

/**
 * Signs in to the console through the gateway, as the browser does, and answers its cookies; an
 * https deployment passes its cookie names (consoleCookieNames).
 */
export async function signInToConsole(
  gatewayUrl: string,
  email: string,
  password: string,
  names: ConsoleCookieNames = CONSOLE_COOKIE_BASE_NAMES,
): Promise<CookieJar> {
  const jar = new CookieJar(names);
  const response = await fetch(`${gatewayUrl}/console/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in failed with ${response.status}`);
  jar.store(response);
  return jar;
}
