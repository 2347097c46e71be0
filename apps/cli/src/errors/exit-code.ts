/**
 * The process exit codes difyctl promises to scripts. They are part of the CLI's interface:
 * scripts branch on them, so a value never changes meaning.
 */
export const EXIT_CODE = {
  ok: 0,
  /** Anything not covered below: a server error, a malformed answer, a network failure. */
  generic: 1,
  /** The command line itself is wrong: an unknown command or flag, a missing argument. */
  usage: 2,
  /** Not signed in, the session expired or was revoked, or the sign-in was denied or expired. */
  auth: 4,
  /** The server and this client do not fit: too old a client, or no device flow on the server. */
  compatibility: 6,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT_CODE)[keyof typeof EXIT_CODE];
