/**
 * Fixed timings and limits of the device flow (docs/device-flow.md, "Fixed timings"). They are not
 * configuration: clients, Lua scripts and the `/device` page all assume these values, so changing
 * one changes the protocol. Units are in the names.
 */
export const DEVICE_FLOW = {
  /** Lifetime of a device code and its user code from issuance (`expires_in`). */
  flowLifetimeSeconds: 900,
  /** The poll interval a client starts with (`interval`). */
  pollIntervalSeconds: 5,
  /** How much each `slow_down` raises that device code's required interval (RFC 8628 §3.5). */
  slowDownStepSeconds: 5,
  /**
   * The most `slow_down` ever raises the interval to. Kept at the approval pickup floor, so a
   * client that waits the interval once the user approved still finds its token.
   */
  maxPollIntervalSeconds: 60,
  /** After approval the state lives at least this long, so the client can still pick the token up. */
  approvalPickupFloorSeconds: 60,
  /** After denial the state lives at least this long, so the client's next poll can see the denial. */
  denialFloorSeconds: 1,
  /** How many user codes issuance tries before answering 503 `user_code_exhausted`. */
  userCodeClaimAttempts: 5,
  /** Lifetime of the approval guard that serialises approvals of one device identity. */
  approvalGuardSeconds: 60,
} as const;

/**
 * Column and field limits shared by validation and the schema
 * (docs/device-flow.md, "Fixed timings").
 */
export const DEVICE_FLOW_LIMITS = {
  clientIdMaxLength: 64,
  deviceLabelMaxLength: 255,
  subjectIssuerMaxLength: 255,
} as const;
