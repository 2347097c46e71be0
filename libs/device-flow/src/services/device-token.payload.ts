import { ACCOUNT_SCOPES, SUBJECT_TYPE } from '@dify/domain';

/** A workspace as the token response lists it (docs/device-flow.md, "Polling"). */
export interface DeviceTokenWorkspace {
  readonly id: string;
  readonly name: string;
  readonly role: string;
}

/**
 * The poll payload stored in the device hash at approval time: the token response of
 * docs/device-flow.md, "Polling" minus the fields added when the response is built. It holds the
 * plaintext token: that is the one place the token exists in Redis
 * (docs/redis-state.md, "The device hash"), and it is deleted by the first accepted poll.
 *
 * Field names are wire names: the payload is stored as JSON by one replica and returned verbatim
 * by another, so they change only additively.
 */
export interface AccountDeviceTokenPayload {
  readonly token: string;
  readonly scope: string;
  readonly expires_at: string;
  readonly subject_type: typeof SUBJECT_TYPE.account;
  readonly account: { readonly id: string; readonly email: string; readonly name: string };
  readonly workspaces: readonly DeviceTokenWorkspace[];
  readonly default_workspace_id: string | null;
  readonly token_id: string;
}

/** The 200 body of the token endpoint: the stored payload plus the response-time fields. */
export type DeviceTokenResponse = Readonly<Record<string, unknown>> & {
  readonly token: string;
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly token_id?: unknown;
};

/** The approver as the HTTP layer loaded it from the database. */
export interface DeviceApprover {
  readonly accountId: string;
  readonly email: string;
  readonly name: string;
  /** Every membership, oldest workspace first. */
  readonly memberships: readonly {
    readonly id: string;
    readonly name: string;
    readonly role: string;
    readonly current: boolean;
  }[];
}

/** The default workspace: the membership flagged current, else the oldest one, else none. */
export function defaultWorkspaceOf(approver: DeviceApprover): string | null {
  const current = approver.memberships.find((membership) => membership.current);
  return (current ?? approver.memberships[0])?.id ?? null;
}

/** The account-branch payload (docs/device-flow.md, "Approval"). */
export function accountPayload(input: {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAt: Date;
  readonly email: string;
  readonly approver: DeviceApprover;
}): AccountDeviceTokenPayload {
  return {
    token: input.token,
    scope: ACCOUNT_SCOPES.join(' '),
    expires_at: input.expiresAt.toISOString(),
    subject_type: SUBJECT_TYPE.account,
    account: { id: input.approver.accountId, email: input.email, name: input.approver.name },
    workspaces: input.approver.memberships.map(({ id, name, role }) => ({ id, name, role })),
    default_workspace_id: defaultWorkspaceOf(input.approver),
    token_id: input.tokenId,
  };
}

/**
 * The 200 body built from a consumed payload, or null when the payload cannot be one: not JSON,
 * not an object, no token, or no readable `expires_at`. The stored fields pass through verbatim
 * (either branch's payload works); `access_token`, `token_type` and `expires_in` are added here,
 * so the plaintext is never stored twice. `expires_in` is whole seconds until `expires_at`, at
 * least 1, as RFC 6749 clients such as `openid-client` require a positive number.
 */
export function tokenResponseFrom(payload: string, now: Date): DeviceTokenResponse | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const fields = parsed as Record<string, unknown>;
  const token = fields.token;
  if (typeof token !== 'string' || token.length === 0) return null;
  const expiresAtMs =
    typeof fields.expires_at === 'string' ? Date.parse(fields.expires_at) : Number.NaN;
  if (!Number.isFinite(expiresAtMs)) return null;
  return {
    ...fields,
    token,
    access_token: token,
    token_type: 'Bearer',
    expires_in: Math.max(1, Math.floor((expiresAtMs - now.getTime()) / 1_000)),
  };
}
