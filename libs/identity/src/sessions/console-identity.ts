/** A signed-in console user, as the session guard hands it to controllers. */
export interface ConsoleIdentity {
  readonly accountId: string;
  /** The console session id (`sid`): stable across refreshes, revoked as a whole. */
  readonly sessionId: string;
}

/** Claims of the console access JWT (docs/console.md, "Access token"). */
export interface ConsoleAccessClaims {
  readonly sub: string;
  readonly sid: string;
  readonly iat?: number;
  readonly exp?: number;
}
