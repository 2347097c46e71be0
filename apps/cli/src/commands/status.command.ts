import type { Credentials } from '../config/credentials';
import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import { resolveServer } from '../server/server-url';
import type { CommandContext, GlobalOptions } from './command-context';
import { describeCredentials, identityOf, storedSession, workspaceLine } from './session';

const NOT_LOGGED_IN = "Not logged in. Run 'difyctl auth login' to sign in.";

/** Reported without an error envelope: "not logged in" is an answer, with exit code 4. */
function notLoggedIn(context: CommandContext): never {
  context.output.result({ host: null, logged_in: false }, [NOT_LOGGED_IN]);
  throw new CliError('not_logged_in', NOT_LOGGED_IN, EXIT_CODE.auth, { reported: true });
}

function isExpired(credentials: Credentials, now: number): boolean {
  if (!credentials.expires_at) return false;
  const at = Date.parse(credentials.expires_at);
  return !Number.isNaN(at) && at <= now;
}

/** The local view of the session; both commands make no network call and show no token. */
function localSession(context: CommandContext, options: GlobalOptions): Credentials | 'env' {
  if (context.env.DIFY_TOKEN) return 'env';
  const credentials = storedSession(context, options);
  if (!credentials) notLoggedIn(context);
  if (isExpired(credentials, context.clock.now())) {
    context.output.result(
      { host: describeCredentials(credentials).host, logged_in: false, expired: true },
      [
        `The session expired at ${credentials.expires_at ?? ''}. Run 'difyctl auth login' to sign in.`,
      ],
    );
    throw new CliError('session_expired', 'session expired', EXIT_CODE.auth, { reported: true });
  }
  return credentials;
}

function envSession(context: CommandContext, options: GlobalOptions): Record<string, unknown> {
  const server = resolveServer(options.server, context.env.DIFY_SERVER, options.insecure === true);
  return { host: server.host, logged_in: true, server: server.url, source: 'DIFY_TOKEN' };
}

export function status(context: CommandContext, options: GlobalOptions): void {
  const session = localSession(context, options);
  if (session === 'env') {
    const view = envSession(context, options);
    context.output.result(view, [
      `Using DIFY_TOKEN for ${String(view.host)} (not stored; its identity is known to the server only)`,
    ]);
    return;
  }
  const view = describeCredentials(session);
  const lines = [`Logged in to ${String(view.host)} as ${identityOf(session)}`];
  const workspace = workspaceLine(session);
  if (workspace) lines.push(`  ${workspace}`);
  if (session.expires_at) lines.push(`  Expires: ${session.expires_at}`);
  lines.push(`  Credentials: ${context.store.path}`);
  context.output.result({ ...view, credentials_path: context.store.path }, lines);
}

export function whoami(context: CommandContext, options: GlobalOptions): void {
  const session = localSession(context, options);
  if (session === 'env') {
    const view = envSession(context, options);
    context.output.result({ ...view, account: null }, [
      `DIFY_TOKEN for ${String(view.host)} (identity not known locally)`,
    ]);
    return;
  }
  const view = describeCredentials(session);
  context.output.result(
    {
      host: view.host,
      logged_in: true,
      subject_type: view.subject_type,
      account: view.account,
      subject_email: view.subject_email,
      subject_issuer: view.subject_issuer,
      default_workspace: view.default_workspace,
    },
    [identityOf(session)],
  );
}
