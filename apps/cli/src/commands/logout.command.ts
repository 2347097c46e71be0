import { revokeOnServer } from '../auth/server-revoke';
import type { Credentials } from '../config/credentials';
import { CliError } from '../errors/cli-error';
import { hostOf } from '../server/server-url';
import type { CommandContext, GlobalOptions } from './command-context';
import { explicitServer, storedSession } from './session';

/**
 * Signs this device out: the server revokes the token first (once, no retries), then the
 * credentials file is deleted whatever the server said, so a dead network never leaves a person
 * unable to sign out locally.
 */
export async function signOut(context: CommandContext, credentials: Credentials): Promise<boolean> {
  const failure = await revokeOnServer(context.http(credentials.server), credentials.token);
  if (failure) {
    context.output.warn(`server revoke failed (${failure}); local credentials cleared anyway`);
  }
  context.store.clear();
  return failure === null;
}

export async function logout(context: CommandContext, options: GlobalOptions): Promise<void> {
  if (context.env.DIFY_TOKEN) {
    throw CliError.usage(
      'DIFY_TOKEN is set: logout does not apply to a token from the environment',
      'Unset DIFY_TOKEN, or revoke that token with `difyctl devices revoke <id>`.',
    );
  }
  const credentials = storedSession(context, options);
  if (!credentials) {
    const named = explicitServer(context, options);
    const host = named ? hostOf(named) : null;
    context.output.info(
      host ? `Not logged in to ${host}; nothing to do.` : 'Not logged in; nothing to do.',
    );
    context.output.result({ host, logged_out: true, server_revoked: false }, []);
    return;
  }
  const host = hostOf(credentials.server);
  const revoked = await signOut(context, credentials);
  context.output.success(`Logged out of ${host}`);
  context.output.result({ host, logged_out: true, server_revoked: revoked }, []);
}
