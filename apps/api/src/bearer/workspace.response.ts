/**
 * A workspace as the bearer API shows it (docs/bearer-api.md, "Workspaces"). `status` is always
 * `normal`: tenants have no status column yet, and every workspace that exists is usable.
 */
export interface WorkspaceItem {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly status: 'normal';
  readonly current: boolean;
}

/** `GET /openapi/v1/workspaces/{workspace_id}`. */
export interface WorkspaceDetail extends WorkspaceItem {
  readonly created_at: string;
}
