/** One workspace as the sign-in answer and the credentials file describe it. */
export interface WorkspaceSummary {
  readonly id: string;
  readonly name: string;
  readonly role: string;
}

export interface AccountSummary {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}

/**
 * What `credentials.json` holds for the one server this device is signed in to. The token is
 * the only secret in it; everything else is what `status` and `whoami` show without a network
 * call.
 */
export interface Credentials {
  readonly server: string;
  readonly token: string;
  readonly token_id: string | null;
  readonly expires_at: string | null;
  readonly subject_type: string;
  readonly account: AccountSummary | null;
  readonly subject_email: string | null;
  readonly subject_issuer: string | null;
  readonly workspaces: readonly WorkspaceSummary[];
  readonly default_workspace_id: string | null;
}
