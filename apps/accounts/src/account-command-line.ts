import { parseArgs } from 'node:util';
import { WORKSPACE_ROLES, type WorkspaceRole } from '@dify/db';

export const USAGE = `usage:
  npm run accounts -- create --email EMAIL --name NAME --password PASSWORD [--workspace NAME] [--role ${WORKSPACE_ROLES.join('|')}]
  npm run accounts -- list
  npm run accounts -- disable --email EMAIL

create: a new account with its own workspace, or, with --workspace naming an existing workspace,
a member of it (role normal unless --role says otherwise).
disable: bans the account; its console sessions and device tokens stop working at once.`;

const COMMANDS = ['create', 'list', 'disable'] as const;
type Command = (typeof COMMANDS)[number];

const isCommand = (value: string | undefined): value is Command =>
  (COMMANDS as readonly (string | undefined)[]).includes(value);

/** A command line the accounts command cannot run; the caller prints it with the usage. */
export class UsageError extends Error {}

export interface AccountCommandLine {
  readonly command: Command;
  readonly values: {
    readonly email?: string;
    readonly name?: string;
    readonly password?: string;
    readonly workspace?: string;
  };
  readonly role: WorkspaceRole | undefined;
}

export function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

function roleOf(value: string | undefined): WorkspaceRole | undefined {
  if (value === undefined) return undefined;
  if (!(WORKSPACE_ROLES as readonly string[]).includes(value)) {
    throw new UsageError(`--role must be one of ${WORKSPACE_ROLES.join(', ')}`);
  }
  return value as WorkspaceRole;
}

/**
 * Reads `<command> [--flag value ...]`. An unknown flag makes parseArgs throw a TypeError with a
 * `code`, which the caller treats as a usage error too.
 */
export function parseAccountCommandLine(argv: readonly string[]): AccountCommandLine {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      workspace: { type: 'string' },
      role: { type: 'string' },
    },
    strict: true,
  });
  if (!isCommand(command)) throw new UsageError('unknown command');
  return { command, values, role: roleOf(values.role) };
}
