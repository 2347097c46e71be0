import { Inject, Injectable } from '@nestjs/common';
import { DEVICE_FLOW } from '@dify/domain';
import { REDIS } from '@dify/platform';
import Redis from 'ioredis';
import { DEVICE_FLOW_SCRIPTS } from './device-flow.scripts';
import { deviceFlowKey } from './device-flow.keys';

/**
 * Device states as stored in the hash's `status` field (wire values,
 * docs/redis-state.md, "The device hash").
 */
export const DEVICE_STATUS = {
  pending: 'pending',
  approved: 'approved',
  denied: 'denied',
} as const;
export type DeviceStatus = (typeof DEVICE_STATUS)[keyof typeof DEVICE_STATUS];

/** The fields `start` writes besides the fixed pending ones. */
export interface NewDeviceState {
  readonly userCode: string;
  readonly clientId: string;
  readonly deviceLabel: string;
  /** ISO timestamp, informational only. */
  readonly createdAt: string;
  readonly createdIp: string;
}

/** The answer of the `poll` script (docs/redis-state.md, "Scripts"). */
export type PollOutcome =
  | { readonly kind: 'missing' }
  | { readonly kind: 'client_mismatch' }
  | { readonly kind: 'slow_down'; readonly interval: number }
  | { readonly kind: 'pending' }
  | {
      readonly kind: 'approved' | 'denied';
      readonly userCode: string;
      readonly createdIp: string;
      /** The payload exactly as stored; empty for a denial. */
      readonly payload: string;
    };

/**
 * The `transition` reply: 1 applied, 2 this marker was already applied (idempotent replay),
 * 0 no state, -1 another transition won, -2 the state is unreadable.
 */
export type TransitionResult = 1 | 2 | 0 | -1 | -2;

/** The `confirm` reply. */
export type ConfirmResult = 'PUBLISHED' | 'NOT_PUBLISHED' | 'UNKNOWN';

/** What approve, deny and lookup read of a device state. `status` is raw: it may be anything. */
export interface DeviceStateView {
  readonly status: string;
  readonly clientId: string;
  readonly deviceLabel: string;
  readonly userCode: string;
  readonly createdIp: string;
  /** Remaining lifetime in ms (PTTL); -1 when the key has no expiry. */
  readonly ttlMs: number;
}

type ScriptName = keyof typeof DEVICE_FLOW_SCRIPTS;

/** A script method ioredis adds to the client at run time: KEYS[1], then ARGV. */
type ScriptCommand = (this: Redis, key: string, ...args: (string | number)[]) => Promise<unknown>;

const POLL_KINDS = new Set(['missing', 'client_mismatch', 'slow_down', 'pending']);
const TRANSITION_RESULTS = new Set<unknown>([1, 2, 0, -1, -2]);
const CONFIRM_RESULTS = new Set<unknown>(['PUBLISHED', 'NOT_PUBLISHED', 'UNKNOWN']);

/**
 * The device-flow state in Redis (docs/redis-state.md): the device hash, the user-code mapping and
 * the approval guard. Every method is one round trip on ONE key (see device-flow.scripts.ts for
 * why), and every multi-step rule runs inside a script so no other client can slip in between.
 *
 * Keys are given without the deployment prefix: the injected client has `keyPrefix` set, and
 * ioredis applies it to plain commands, MULTI and script KEYS alike. Redis failures propagate:
 * what a failure means (500, best effort, ambiguous publish) is the caller's decision.
 */
@Injectable()
export class DeviceFlowStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    // Defined once per client; ioredis then calls each by SHA (EVALSHA) and reloads it after a
    // NOSCRIPT. A second instance on the same client replaces identical definitions.
    // numberOfKeys is 1 for every script: the single-key invariant, stated where Redis sees it.
    for (const script of Object.values(DEVICE_FLOW_SCRIPTS)) {
      redis.defineCommand(script.name, { numberOfKeys: 1, lua: script.lua });
    }
  }

  /**
   * Claims a user code for a device code: `SET user_code:<UC> <dc> NX EX 900`. False when the
   * code is already taken by a flow in progress.
   */
  async claimUserCode(userCode: string, deviceCode: string): Promise<boolean> {
    const reply = await this.redis.set(
      deviceFlowKey.userCode(userCode),
      deviceCode,
      'EX',
      DEVICE_FLOW.flowLifetimeSeconds,
      'NX',
    );
    return reply === 'OK';
  }

  /** The device code a user code points to, or null. */
  resolveUserCode(userCode: string): Promise<string | null> {
    return this.redis.get(deviceFlowKey.userCode(userCode));
  }

  /** Deletes a user-code mapping (after a consume, or to undo a claim whose `start` failed). */
  async deleteUserCode(userCode: string): Promise<void> {
    await this.redis.del(deviceFlowKey.userCode(userCode));
  }

  /**
   * Deletes a device state outright. Only for the undo of an issuance attempt whose user code was
   * taken: every other end of a state goes through `poll` or its TTL.
   */
  async deleteState(deviceCode: string): Promise<void> {
    await this.redis.del(deviceFlowKey.deviceCode(deviceCode));
  }

  /** The `start` script: true when the pending state was written, false when the key existed. */
  async start(deviceCode: string, state: NewDeviceState): Promise<boolean> {
    const reply = await this.runScript(
      'start',
      deviceFlowKey.deviceCode(deviceCode),
      state.userCode,
      state.clientId,
      state.deviceLabel,
      state.createdAt,
      state.createdIp,
      DEVICE_FLOW.pollIntervalSeconds,
      DEVICE_FLOW.flowLifetimeSeconds,
    );
    return reply === 1;
  }

  /** The `poll` script: the whole token-endpoint decision in one round trip. */
  async poll(deviceCode: string, clientId: string): Promise<PollOutcome> {
    const reply = await this.runScript(
      'poll',
      deviceFlowKey.deviceCode(deviceCode),
      clientId,
      DEVICE_FLOW.slowDownStepSeconds,
      DEVICE_FLOW.pollIntervalSeconds,
      DEVICE_FLOW.maxPollIntervalSeconds,
    );
    return parsePollReply(reply);
  }

  /** The `transition` script: pending → `target` under `marker`, with a TTL floor. */
  async transition(
    deviceCode: string,
    target: typeof DEVICE_STATUS.approved | typeof DEVICE_STATUS.denied,
    marker: string,
    payload: string,
    ttlFloorSeconds: number,
  ): Promise<TransitionResult> {
    const reply = await this.runScript(
      'transition',
      deviceFlowKey.deviceCode(deviceCode),
      target,
      marker,
      payload,
      ttlFloorSeconds,
    );
    if (!TRANSITION_RESULTS.has(reply)) throw unexpectedReply('transition');
    return reply as TransitionResult;
  }

  /** The `confirm` script: was `marker` published as an approval? */
  async confirm(deviceCode: string, marker: string): Promise<ConfirmResult> {
    const reply = await this.runScript('confirm', deviceFlowKey.deviceCode(deviceCode), marker);
    if (!CONFIRM_RESULTS.has(reply)) throw unexpectedReply('confirm');
    return reply as ConfirmResult;
  }

  /**
   * Reads a device state and its remaining lifetime, or null when there is none. HMGET and PTTL
   * on the one key run in a MULTI so the fields and the lifetime describe the same moment.
   */
  async readState(deviceCode: string): Promise<DeviceStateView | null> {
    const key = deviceFlowKey.deviceCode(deviceCode);
    const results = await this.redis
      .multi()
      .hmget(key, 'status', 'client_id', 'device_label', 'user_code', 'created_ip')
      .pttl(key)
      .exec();
    if (!results || results.length !== 2) throw unexpectedReply('readState');
    const [[fieldsError, fields], [ttlError, ttl]] = results;
    if (fieldsError) throw fieldsError;
    if (ttlError) throw ttlError;
    // PTTL -2: no such key (expired, consumed, or never issued).
    if (ttl === -2 || !Array.isArray(fields) || typeof ttl !== 'number') return null;
    const [status, clientId, deviceLabel, userCode, createdIp] = fields.map((value: unknown) =>
      typeof value === 'string' ? value : '',
    );
    return { status, clientId, deviceLabel, userCode, createdIp, ttlMs: ttl };
  }

  /**
   * Takes the approval guard of one device identity for `transitionId`:
   * `SET oauth_device:approval_guard:<guard_id> <transition_id> NX EX 60`. False when another
   * approval holds it.
   */
  async acquireApprovalGuard(guardId: string, transitionId: string): Promise<boolean> {
    const reply = await this.redis.set(
      deviceFlowKey.approvalGuard(guardId),
      transitionId,
      'EX',
      DEVICE_FLOW.approvalGuardSeconds,
      'NX',
    );
    return reply === 'OK';
  }

  /** The `release_guard` script: releases the guard only when `transitionId` still owns it. */
  async releaseApprovalGuard(guardId: string, transitionId: string): Promise<boolean> {
    const reply = await this.runScript(
      'releaseGuard',
      deviceFlowKey.approvalGuard(guardId),
      transitionId,
    );
    return reply === 1;
  }

  private runScript(
    script: ScriptName,
    key: string,
    ...args: (string | number)[]
  ): Promise<unknown> {
    const command = (this.redis as unknown as Record<string, ScriptCommand>)[
      DEVICE_FLOW_SCRIPTS[script].name
    ];
    return command.call(this.redis, key, ...args);
  }
}

function parsePollReply(reply: unknown): PollOutcome {
  if (!Array.isArray(reply) || !reply.every((item) => typeof item === 'string')) {
    throw unexpectedReply('poll');
  }
  const [kind, ...rest] = reply;
  if (kind === 'approved' || kind === 'denied') {
    const [userCode = '', createdIp = '', payload = ''] = rest;
    return { kind, userCode, createdIp, payload };
  }
  if (kind === 'slow_down') {
    const interval = Number(rest[0]);
    if (!Number.isSafeInteger(interval)) throw unexpectedReply('poll');
    return { kind, interval };
  }
  if (kind !== undefined && POLL_KINDS.has(kind)) {
    return { kind: kind as 'missing' | 'client_mismatch' | 'pending' };
  }
  throw unexpectedReply('poll');
}

// A reply of the wrong shape means a different script ran under our name: fail loudly.
function unexpectedReply(script: string): Error {
  return new Error(`the device-flow ${script} script answered an unexpected reply`);
}
