import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import { formatTable } from '../output/table';
import type { CommandContext, GlobalOptions } from './command-context';
import { signOut } from './logout.command';
import { activeSession } from './session';
import { bearerClient } from './workspaces.command';

/** `devices`: the account's signed-in devices, this one marked. */
export async function listDevices(context: CommandContext, options: GlobalOptions): Promise<void> {
  const session = activeSession(context, options);
  const sessions = await bearerClient(context, session).sessions();
  const currentId = session.credentials?.token_id ?? null;
  const devices = sessions.map((item) => ({ ...item, current: item.id === currentId }));
  const rows = devices.map((item) => [
    item.current ? '*' : ' ',
    item.id,
    item.device_label,
    item.client_id,
    item.created_at ?? '-',
    item.last_used_at ?? 'never',
  ]);
  context.output.result(
    { host: session.host, devices },
    devices.length === 0
      ? ['No signed-in devices.']
      : formatTable([' ', 'ID', 'DEVICE', 'CLIENT', 'SIGNED IN', 'LAST USED'], rows),
  );
}

export interface RevokeOptions extends GlobalOptions {
  readonly all?: boolean;
}

/**
 * `devices revoke <id>` signs one device out (this one means a logout); `--all` signs out every
 * device but this one.
 */
export async function revokeDevices(
  context: CommandContext,
  options: RevokeOptions,
  sessionId: string | undefined,
): Promise<void> {
  if ((sessionId === undefined) === (options.all !== true)) {
    throw CliError.usage(
      'name one device id, or pass --all',
      "Run 'difyctl devices revoke --help'.",
    );
  }
  const session = activeSession(context, options);
  const client = bearerClient(context, session);
  const currentId = session.credentials?.token_id ?? null;

  if (sessionId !== undefined) {
    if (session.credentials && sessionId === currentId) {
      const revoked = await signOut(context, session.credentials);
      context.output.success(`Revoked this device; logged out of ${session.host}`);
      context.output.result(
        { host: session.host, revoked: [sessionId], logged_out: true, server_revoked: revoked },
        [],
      );
      return;
    }
    if (!(await client.revokeSession(sessionId))) {
      throw new CliError(
        'session_not_found',
        `no device session ${sessionId} for this account`,
        EXIT_CODE.generic,
        {
          hint: "Run 'difyctl devices' to list them.",
          httpStatus: 404,
        },
      );
    }
    context.output.success(`Revoked device session ${sessionId}`);
    context.output.result({ host: session.host, revoked: [sessionId], logged_out: false }, []);
    return;
  }

  if (!session.credentials) {
    throw CliError.usage(
      '--all needs stored credentials: with DIFY_TOKEN this device cannot tell which session is its own',
    );
  }
  const others = (await client.sessions()).filter((item) => item.id !== currentId);
  const revoked: string[] = [];
  for (const item of others) {
    // A session that vanished in between is as good as revoked.
    await client.revokeSession(item.id);
    revoked.push(item.id);
  }
  context.output.success(
    revoked.length === 0
      ? 'No other devices are signed in.'
      : `Revoked ${revoked.length} other device session${revoked.length === 1 ? '' : 's'}`,
  );
  context.output.result({ host: session.host, revoked, logged_out: false }, []);
}
