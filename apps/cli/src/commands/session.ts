import type { Credentials } from '../config/credentials';
import { CliError } from '../errors/cli-error';
import { hostOf, resolveServer } from '../server/server-url';
import type { CommandContext, GlobalOptions } from './command-context';

/** The token a bearer command uses, and where it came from. */
export interface ActiveSession {
  readonly server: string;
  readonly host: string;
  readonly token: string;
  /** Null for a `DIFY_TOKEN` session, which is never stored. */
  readonly credentials: Credentials | null;
}

/** The server named by `--server` or `DIFY_SERVER`, if either is given. */
export function explicitServer(
  context: CommandContext,
  options: GlobalOptions,
): string | undefined {
  if (options.server === undefined && context.env.DIFY_SERVER === undefined) return undefined;
  const choice = resolveServer(options.server, context.env.DIFY_SERVER, options.insecure === true);
  if (choice.plaintextRemote) warnPlaintext(context, choice.host);
  return choice.url;
}

export function warnPlaintext(context: CommandContext, host: string): void {
  context.output.warn(`talking to ${host} over plaintext http://; the token travels unencrypted`);
}

/**
 * The stored credentials that apply: those of the named server, or whatever is stored when no
 * server is named. Null when there are none.
 */
export function storedSession(context: CommandContext, options: GlobalOptions): Credentials | null {
  const named = explicitServer(context, options);
  const credentials = context.store.load();
  if (!credentials) return null;
  if (named !== undefined && named !== credentials.server) return null;
  return credentials;
}

/** The session a bearer command runs with: `DIFY_TOKEN`, else the stored credentials. */
export function activeSession(context: CommandContext, options: GlobalOptions): ActiveSession {
  if (context.env.DIFY_TOKEN) {
    const choice = resolveServer(
      options.server,
      context.env.DIFY_SERVER,
      options.insecure === true,
    );
    if (choice.plaintextRemote) warnPlaintext(context, choice.host);
    return {
      server: choice.url,
      host: choice.host,
      token: context.env.DIFY_TOKEN,
      credentials: null,
    };
  }
  const credentials = storedSession(context, options);
  if (!credentials) {
    const named = explicitServer(context, options);
    throw CliError.notLoggedIn(named ? hostOf(named) : undefined);
  }
  return {
    server: credentials.server,
    host: hostOf(credentials.server),
    token: credentials.token,
    credentials,
  };
}

/** What `status`, `whoami` and `login --json` report about stored credentials: no token. */
export function describeCredentials(credentials: Credentials): Record<string, unknown> {
  const workspace =
    credentials.workspaces.find((item) => item.id === credentials.default_workspace_id) ?? null;
  return {
    host: hostOf(credentials.server),
    logged_in: true,
    server: credentials.server,
    subject_type: credentials.subject_type,
    account: credentials.account,
    subject_email: credentials.subject_email,
    subject_issuer: credentials.subject_issuer,
    workspaces: credentials.workspaces,
    default_workspace_id: credentials.default_workspace_id,
    default_workspace: workspace,
    expires_at: credentials.expires_at,
  };
}

/** `as you@example.com (You)` or `as ops@example.com (external SSO, issuer: …)`. */
export function identityOf(credentials: Credentials): string {
  if (credentials.account) {
    const { email, name } = credentials.account;
    return name ? `${email} (${name})` : email;
  }
  return `${credentials.subject_email ?? 'unknown'} (external SSO, issuer: ${credentials.subject_issuer ?? 'unknown'})`;
}

export function workspaceLine(credentials: Credentials): string | undefined {
  const workspace = credentials.workspaces.find(
    (item) => item.id === credentials.default_workspace_id,
  );
  return workspace ? `Workspace: ${workspace.name}` : undefined;
}
