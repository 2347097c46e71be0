import { Command } from 'commander';
import type { CommandContext, GlobalOptions } from '../commands/command-context';
import { listDevices, type RevokeOptions, revokeDevices } from '../commands/devices.command';
import { login, type LoginOptions } from '../commands/login.command';
import { logout } from '../commands/logout.command';
import { status, whoami } from '../commands/status.command';
import { listWorkspaces, switchWorkspace } from '../commands/workspaces.command';
import { DIFYCTL_VERSION } from '../version';

/** Builds the command context for the options one invocation was given. */
export type ContextFactory = (options: GlobalOptions) => CommandContext;

const PROGRAM_HELP = `
Examples:
  $ difyctl login                        sign in to http://localhost:5001
  $ difyctl login --server https://dify.example.com
  $ difyctl whoami --json
  $ difyctl devices                      list signed-in devices (* = this one)
  $ difyctl devices revoke --all         sign out every other device
  $ difyctl logout

Exit codes:
  0 success, 1 error, 2 usage, 4 not signed in / expired / denied,
  6 client or server version mismatch, 130 interrupted

Environment:
  DIFY_SERVER       server when --server is not given (default http://localhost:5001)
  DIFY_TOKEN        a token to use instead of stored credentials (never stored)
  DIFY_CONFIG_DIR   where credentials.json lives (else $XDG_CONFIG_HOME/difyctl,
                    else ~/.config/difyctl)
  NO_COLOR          turn colour off
`;

type Action = (context: CommandContext, options: GlobalOptions, ...args: string[]) => unknown;

/** Adapts a command function to commander: options merged with the global ones, then the context. */
function action(createContext: ContextFactory, run: Action) {
  return async (...received: unknown[]): Promise<void> => {
    const command = received[received.length - 1] as Command;
    const options = command.optsWithGlobals<GlobalOptions>();
    const args = received
      .slice(0, -2)
      .filter((value): value is string => typeof value === 'string');
    await run(createContext(options), options, ...args);
  };
}

function loginCommand(createContext: ContextFactory): Command {
  return new Command('login')
    .description('sign in through the browser (OAuth 2.0 device flow) and store the token')
    .option('--no-browser', 'do not open a browser; just print the URL and code')
    .option('--no-qr', 'do not print the QR code')
    .addHelpText(
      'after',
      `
Prints "Open: <url>", "Code: <code>", "Link: <url with the code>" and a QR code of that
link on stderr, opens the browser when it can, and waits until the code is approved.
Existing credentials for the server are revoked first.

Examples:
  $ difyctl login
  $ difyctl login --server https://dify.example.com --no-browser
  $ difyctl login --json > session.json`,
    )
    .action(action(createContext, (context, options) => login(context, options as LoginOptions)));
}

function logoutCommand(createContext: ContextFactory): Command {
  return new Command('logout')
    .description('revoke this device on the server and delete the stored credentials')
    .addHelpText('after', '\nExamples:\n  $ difyctl logout\n  $ difyctl auth logout --json')
    .action(action(createContext, logout));
}

function statusCommand(createContext: ContextFactory): Command {
  return new Command('status')
    .description('show whether this device is signed in, and to which server (no network call)')
    .addHelpText('after', '\nExamples:\n  $ difyctl status\n  $ difyctl status --json')
    .action(action(createContext, status));
}

function whoamiCommand(createContext: ContextFactory): Command {
  return new Command('whoami')
    .description('show the signed-in account (no network call)')
    .addHelpText('after', '\nExamples:\n  $ difyctl whoami\n  $ difyctl whoami --json')
    .action(action(createContext, whoami));
}

function workspacesCommand(createContext: ContextFactory): Command {
  const workspaces = new Command('workspaces')
    .description("list the account's workspaces (* = current)")
    .addHelpText(
      'after',
      '\nExamples:\n  $ difyctl workspaces\n  $ difyctl workspaces switch 0199a1b2-…\n  $ difyctl workspaces --json',
    )
    .action(action(createContext, listWorkspaces));
  workspaces
    .command('list')
    .description("list the account's workspaces (* = current)")
    .action(action(createContext, listWorkspaces));
  workspaces
    .command('switch')
    .description('make a workspace the current one')
    .argument('<id>', 'workspace id (see `difyctl workspaces`)')
    .action(action(createContext, (context, options, id) => switchWorkspace(context, options, id)));
  return workspaces;
}

function devicesCommand(createContext: ContextFactory): Command {
  const devices = new Command('devices')
    .description('list the devices signed in to this account (* = this one)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ difyctl devices\n  $ difyctl devices revoke 0199a1b2-…\n  $ difyctl devices revoke --all',
    )
    .action(action(createContext, listDevices));
  devices
    .command('list')
    .description('list the devices signed in to this account (* = this one)')
    .action(action(createContext, listDevices));
  devices
    .command('revoke')
    .description('sign a device out (this one: same as logout); --all: every other device')
    .argument('[id]', 'device session id (see `difyctl devices`)')
    .option('--all', 'revoke every device session except this one')
    .action(
      action(createContext, (context, options, id) =>
        revokeDevices(context, options as RevokeOptions, id),
      ),
    );
  return devices;
}

/** The whole command line: `login` … `devices`, and the `auth …` spellings of the first four. */
export function buildProgram(createContext: ContextFactory): Command {
  const program = new Command('difyctl')
    .description('Sign in to a Dify server from this terminal and manage signed-in devices.')
    .version(DIFYCTL_VERSION, '-v, --version', 'print the version')
    .option('--server <url>', 'Dify API base URL (default: $DIFY_SERVER or http://localhost:5001)')
    .option('--insecure', 'allow plaintext http:// to a host other than this machine')
    .option('--json', 'print the result as JSON on stdout (errors as JSON on stderr)')
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true)
    .addHelpText('after', PROGRAM_HELP);

  program.addCommand(loginCommand(createContext));
  program.addCommand(logoutCommand(createContext));
  program.addCommand(statusCommand(createContext));
  program.addCommand(whoamiCommand(createContext));
  program.addCommand(workspacesCommand(createContext));
  program.addCommand(devicesCommand(createContext));

  const auth = new Command('auth').description(
    'login, logout, status and whoami, as `difyctl auth <command>`',
  );
  auth.addCommand(loginCommand(createContext));
  auth.addCommand(logoutCommand(createContext));
  auth.addCommand(statusCommand(createContext));
  auth.addCommand(whoamiCommand(createContext));
  program.addCommand(auth);
  return program;
}
