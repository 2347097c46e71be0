/**
 * Every audit event the system records, by its wire name. The names are stored in
 * `audit_logs.event` and read by whoever queries the trail: renaming one splits the history of
 * that event in two, so add names, never rename them.
 */
export const AUDIT_EVENTS = {
  accountDisabled: 'account.disabled',
  accountLoginFailed: 'account.login_failed',
  accountLoginSucceeded: 'account.login_succeeded',
  accountLogout: 'account.logout',
  accountRefreshReused: 'account.refresh_reused',
  deviceCodeCrossIpPoll: 'oauth.device_code_cross_ip_poll',
  deviceFlowApproved: 'oauth.device_flow_approved',
  deviceFlowDenied: 'oauth.device_flow_denied',
  tokenExpired: 'oauth.token_expired',
  tokenRevoked: 'oauth.token_revoked',
  tokenRotated: 'oauth.token_rotated',
  workspaceSwitched: 'workspace.switched',
  wrongSurfaceDenied: 'openapi.wrong_surface_denied',
} as const;

export type AuditEventName = (typeof AUDIT_EVENTS)[keyof typeof AUDIT_EVENTS];
