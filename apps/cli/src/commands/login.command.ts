import { revokeOnServer } from '../auth/server-revoke';
import { DeviceFlowClient } from '../auth/device-flow.client';
import { pollForToken } from '../auth/poll-loop';
import type { Credentials } from '../config/credentials';
import { CliError } from '../errors/cli-error';
import { announceRateLimitPause, retryOnceWhenRateLimited } from '../http/rate-limit-retry';
import { renderQrCode } from '../output/qr-code';
import { startProgress } from '../output/spinner';
import { hostOf, resolveServer } from '../server/server-url';
import { shouldOpenBrowser } from '../system/browser';
import type { CommandContext, GlobalOptions } from './command-context';
import { describeCredentials, identityOf, warnPlaintext, workspaceLine } from './session';

export interface LoginOptions extends GlobalOptions {
  /** False with `--no-browser`. */
  readonly browser?: boolean;
  /** False with `--no-qr`. */
  readonly qr?: boolean;
}

/**
 * `difyctl login`: the device flow. Old credentials for the server are revoked and cleared
 * first; the code and URL go to stderr; the browser opens when that can help; then it polls
 * until the person approves, and stores the token atomically.
 */
export async function login(context: CommandContext, options: LoginOptions): Promise<void> {
  const { output } = context;
  if (context.env.DIFY_TOKEN) {
    throw CliError.usage(
      'DIFY_TOKEN is set: login does not apply to a token from the environment',
      'Unset DIFY_TOKEN to sign in and store credentials.',
    );
  }
  const server = resolveServer(options.server, context.env.DIFY_SERVER, options.insecure === true);
  if (server.plaintextRemote) warnPlaintext(context, server.host);
  const send = context.http(server.url);

  const previous = context.store.load();
  if (previous && previous.server === server.url) {
    const failure = await revokeOnServer(send, previous.token);
    if (failure)
      output.warn(`could not revoke the previous session (${failure}); replacing it anyway`);
    context.store.clear();
  } else if (previous) {
    // One credentials file holds one server: signing in here forgets the other session.
    output.warn(
      `this replaces the stored session for ${hostOf(previous.server)}; ` +
        `it stays valid there until it expires (run 'difyctl logout' first to revoke it)`,
    );
  }

  const flow = new DeviceFlowClient(
    retryOnceWhenRateLimited(send, context.clock, (seconds) =>
      announceRateLimitPause(context, seconds),
    ),
  );
  const code = await flow.requestCode(context.hostname());
  const browseTo = code.verificationUriComplete ?? code.verificationUri;
  output.prompt(`Open: ${code.verificationUri}`);
  output.prompt(`Code: ${code.userCode}`);
  // The link with the code filled in, for a terminal that lets a person click it (the QR code
  // below carries the same link for a phone).
  if (code.verificationUriComplete) output.prompt(`Link: ${code.verificationUriComplete}`);
  if (options.qr !== false) output.prompt(await renderQrCode(browseTo));
  if (
    shouldOpenBrowser({
      requested: options.browser !== false,
      env: context.env,
      platform: context.platform,
      interactive: context.interactive,
    })
  ) {
    output.prompt('Opening your browser to approve the code…');
    context.openBrowser(browseTo);
  }

  const progress = startProgress(output, 'Waiting for authorization');
  let credentials: Credentials;
  try {
    const grant = await pollForToken({
      poll: () => flow.poll(code.deviceCode),
      clock: context.clock,
      intervalSeconds: code.intervalSeconds,
      expiresInSeconds: code.expiresInSeconds,
      onSlowDown: (interval) =>
        progress.update(`Waiting for authorization (polling every ${interval} s)`),
    });
    credentials = { server: server.url, ...grant };
  } finally {
    progress.stop();
  }
  context.store.save(credentials);

  output.success(`Logged in to ${server.host} as ${identityOf(credentials)}`);
  const workspace = workspaceLine(credentials);
  if (workspace) output.info(`  ${workspace}`);
  output.result(describeCredentials(credentials), []);
}
