import { BearerApiClient } from '../api/bearer-api.client';
import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import { announceRateLimitPause, retryOnceWhenRateLimited } from '../http/rate-limit-retry';
import { formatTable } from '../output/table';
import type { CommandContext, GlobalOptions } from './command-context';
import { type ActiveSession, activeSession } from './session';

export function bearerClient(context: CommandContext, session: ActiveSession): BearerApiClient {
  const send = retryOnceWhenRateLimited(context.http(session.server), context.clock, (seconds) =>
    announceRateLimitPause(context, seconds),
  );
  return new BearerApiClient(send, session.token, () => {
    // Only stored credentials can be cleared; a DIFY_TOKEN is the environment's business.
    if (session.credentials) context.store.clear();
  });
}

export async function listWorkspaces(
  context: CommandContext,
  options: GlobalOptions,
): Promise<void> {
  const session = activeSession(context, options);
  const workspaces = await bearerClient(context, session).workspaces();
  const rows = workspaces.map((item) => [item.current ? '*' : ' ', item.id, item.name, item.role]);
  context.output.result(
    { host: session.host, workspaces },
    workspaces.length === 0 ? ['No workspaces.'] : formatTable([' ', 'ID', 'NAME', 'ROLE'], rows),
  );
}

export async function switchWorkspace(
  context: CommandContext,
  options: GlobalOptions,
  workspaceId: string,
): Promise<void> {
  const session = activeSession(context, options);
  const workspace = await bearerClient(context, session).switchWorkspace(workspaceId);
  if (!workspace) {
    throw new CliError(
      'workspace_not_found',
      `no workspace ${workspaceId} for this account`,
      EXIT_CODE.generic,
      {
        hint: "Run 'difyctl workspaces' to list yours.",
        httpStatus: 404,
      },
    );
  }
  if (session.credentials) {
    const known = session.credentials.workspaces.some((item) => item.id === workspace.id);
    context.store.save({
      ...session.credentials,
      default_workspace_id: workspace.id,
      workspaces: known
        ? session.credentials.workspaces
        : [
            ...session.credentials.workspaces,
            { id: workspace.id, name: workspace.name, role: workspace.role },
          ],
    });
  }
  context.output.success(`Switched to workspace ${workspace.name} (${workspace.id})`);
  context.output.result({ host: session.host, workspace }, []);
}
