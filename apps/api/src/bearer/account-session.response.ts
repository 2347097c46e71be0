/** One item of `GET /openapi/v1/account/sessions` (docs/bearer-api.md, "Sessions"). */
export interface AccountSessionItem {
  readonly id: string;
  readonly prefix: string;
  readonly client_id: string;
  readonly device_label: string;
  readonly created_at: string;
  /** Null until the token has been used and the worker recorded it. */
  readonly last_used_at: string | null;
  readonly expires_at: string;
}

/** Answer of both revocation routes. */
export interface RevokedResponse {
  readonly status: 'revoked';
}
