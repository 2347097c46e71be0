/** `GET /openapi/v1/account` (docs/bearer-api.md, "Account"). */
export interface AccountResponse {
  readonly subject_type: 'account';
  readonly subject_email: string;
  readonly account: { readonly id: string; readonly email: string; readonly name: string };
  readonly workspaces: readonly {
    readonly id: string;
    readonly name: string;
    readonly role: string;
  }[];
  /** The `current` membership, else the oldest, else null. */
  readonly default_workspace_id: string | null;
}
