import { SUBJECT_TYPE } from '@dify/domain';
import type { Credentials } from '../config/credentials';
import { isTokenText, parseAccount, parseWorkspaces } from './credentials.parser';
import { isRecord, textField } from './wire-fields';

/** What a successful poll grants: everything of the credentials but the server. */
export type TokenGrant = Omit<Credentials, 'server'>;

/**
 * The 200 token answer, or a reason it cannot be used. The token is `token` (difyctl's field)
 * or `access_token` (RFC 6749's); an account grant must name the account, an SSO grant the
 * subject, because that is what the CLI tells the person they are signed in as.
 */
export function parseTokenGrant(body: unknown): TokenGrant | string {
  if (!isRecord(body)) return 'the answer is not a JSON object';
  const token = isTokenText(body.token) ? body.token : body.access_token;
  if (!isTokenText(token)) return 'the server answered 200 without a token';
  const subjectType = textField(body, 'subject_type', 64) ?? SUBJECT_TYPE.account;
  const account = parseAccount(body.account);
  const subjectEmail = textField(body, 'subject_email', 320) ?? null;
  if (subjectType === SUBJECT_TYPE.account && !account) {
    return 'the answer does not say which account signed in';
  }
  if (subjectType !== SUBJECT_TYPE.account && !subjectEmail) {
    return 'the answer does not say who signed in';
  }
  return {
    token,
    token_id: textField(body, 'token_id', 64) ?? null,
    expires_at: textField(body, 'expires_at', 64) ?? null,
    subject_type: subjectType,
    account,
    subject_email: subjectEmail,
    subject_issuer: textField(body, 'subject_issuer', 2048) ?? null,
    workspaces: parseWorkspaces(body.workspaces),
    default_workspace_id: textField(body, 'default_workspace_id', 64) ?? null,
  };
}
