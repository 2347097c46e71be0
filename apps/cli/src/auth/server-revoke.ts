import { TOKEN_PREFIX } from '@dify/domain';
import type { HttpSend } from '../http/http-client';
import { NetworkError } from '../http/network.error';
import { CLIENT_ID } from './device-flow.client';

/**
 * Revokes `token` on the server, once, without retries: an account token through its own
 * session, any other through RFC 7009 revocation. Answers null on success (a 401 counts: the
 * token is already dead), else a short reason for the warning.
 */
export async function revokeOnServer(send: HttpSend, token: string): Promise<string | null> {
  try {
    const answer = token.startsWith(TOKEN_PREFIX.account)
      ? await send({ method: 'DELETE', path: '/openapi/v1/account/sessions/self', bearer: token })
      : await send({
          method: 'POST',
          path: '/openapi/v1/oauth/revoke',
          json: { token, client_id: CLIENT_ID },
        });
    if ((answer.status >= 200 && answer.status < 300) || answer.status === 401) return null;
    return `HTTP ${answer.status}`;
  } catch (error) {
    if (error instanceof NetworkError) return error.message;
    throw error;
  }
}
