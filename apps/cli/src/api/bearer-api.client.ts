import { CliError } from '../errors/cli-error';
import { EXIT_CODE } from '../errors/exit-code';
import {
  canonicalError,
  malformedAnswer,
  rateLimited,
  serverFailure,
  unexpectedStatus,
  upgradeRequired,
} from '../http/answer.rules';
import type { HttpAnswer, HttpRequest, HttpSend } from '../http/http-client';
import { NetworkError } from '../http/network.error';
import { isRecord, type JsonRecord, textField } from '../wire/wire-fields';

export interface DeviceSession {
  readonly id: string;
  readonly prefix: string;
  readonly client_id: string;
  readonly device_label: string;
  readonly created_at: string | null;
  readonly last_used_at: string | null;
  readonly expires_at: string | null;
}

export interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly status: string;
  readonly current: boolean;
}

const PAGE_LIMIT = 100;
// A hundred pages of a hundred is far beyond any real account; the bound stops a server that
// always answers has_more from looping the CLI forever.
const MAX_PAGES = 100;

function sessionOf(item: JsonRecord): DeviceSession | undefined {
  const id = textField(item, 'id', 64);
  if (!id) return undefined;
  return {
    id,
    prefix: textField(item, 'prefix', 16) ?? '',
    client_id: textField(item, 'client_id', 64) ?? '',
    device_label: textField(item, 'device_label', 255) ?? '',
    created_at: textField(item, 'created_at', 64) ?? null,
    last_used_at: textField(item, 'last_used_at', 64) ?? null,
    expires_at: textField(item, 'expires_at', 64) ?? null,
  };
}

function workspaceOf(item: JsonRecord): Workspace | undefined {
  const id = textField(item, 'id', 64);
  if (!id) return undefined;
  return {
    id,
    name: textField(item, 'name', 255) ?? '',
    role: textField(item, 'role', 64) ?? '',
    status: textField(item, 'status', 64) ?? '',
    current: item.current === true,
  };
}

/**
 * The bearer API calls behind `workspaces` and `devices`. A 401 means the token is dead (there
 * is no refresh token): `onUnauthorized` clears the stored credentials before the error is
 * reported, so the next command starts from "not logged in".
 */
export class BearerApiClient {
  constructor(
    private readonly send: HttpSend,
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  async sessions(): Promise<DeviceSession[]> {
    return this.allPages('/openapi/v1/account/sessions', 'list device sessions', sessionOf);
  }

  async workspaces(): Promise<Workspace[]> {
    return this.allPages('/openapi/v1/workspaces', 'list workspaces', workspaceOf);
  }

  /** Revokes one of the account's sessions; false when the server knows no such session. */
  async revokeSession(sessionId: string): Promise<boolean> {
    const answer = await this.call(
      { method: 'DELETE', path: `/openapi/v1/account/sessions/${encodeURIComponent(sessionId)}` },
      'revoke the device session',
      [404],
    );
    return answer.status !== 404;
  }

  /** Makes the workspace the current one; null when the account is not a member. */
  async switchWorkspace(workspaceId: string): Promise<Workspace | null> {
    const answer = await this.call(
      { method: 'POST', path: `/openapi/v1/workspaces/${encodeURIComponent(workspaceId)}/switch` },
      'switch workspace',
      [404],
    );
    if (answer.status === 404) return null;
    const workspace = isRecord(answer.json) ? workspaceOf(answer.json) : undefined;
    if (!workspace) throw malformedAnswer(answer, 'switch workspace');
    return workspace;
  }

  private async allPages<T>(
    path: string,
    what: string,
    read: (item: JsonRecord) => T | undefined,
  ): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const answer = await this.call(
        { method: 'GET', path: `${path}?page=${page}&limit=${PAGE_LIMIT}` },
        what,
      );
      const body = answer.json;
      if (!isRecord(body) || !Array.isArray(body.data)) throw malformedAnswer(answer, what);
      for (const item of body.data as unknown[]) {
        const value = isRecord(item) ? read(item) : undefined;
        if (value === undefined) throw malformedAnswer(answer, what);
        items.push(value);
      }
      if (body.has_more !== true || body.data.length === 0) return items;
    }
    return items;
  }

  private async call(
    request: Omit<HttpRequest, 'bearer'>,
    what: string,
    expected: readonly number[] = [],
  ): Promise<HttpAnswer> {
    let answer: HttpAnswer;
    try {
      answer = await this.send({ ...request, bearer: this.token });
    } catch (error) {
      if (error instanceof NetworkError) {
        throw new CliError(
          'network_error',
          `cannot reach the server: ${error.message}`,
          EXIT_CODE.generic,
        );
      }
      throw error;
    }
    if (answer.status >= 200 && answer.status < 300) {
      if (answer.json === undefined) throw malformedAnswer(answer, what);
      return answer;
    }
    if (expected.includes(answer.status) && answer.json !== undefined) return answer;
    if (answer.status === 401) {
      this.onUnauthorized();
      throw new CliError('session_expired', 'session expired or revoked', EXIT_CODE.auth, {
        hint: "Run 'difyctl auth login' to sign in again.",
        httpStatus: 401,
      });
    }
    if (answer.status === 426) throw upgradeRequired(answer);
    if (answer.status === 429) throw rateLimited(answer);
    if (answer.status >= 500) throw serverFailure(answer, what);
    if (answer.json === undefined) throw malformedAnswer(answer, what);
    const { code } = canonicalError(answer);
    if (
      answer.status === 403 &&
      (code === 'unsupported_token_type' || code === 'insufficient_scope')
    ) {
      throw new CliError(code, `this session may not ${what} (${code})`, EXIT_CODE.auth, {
        hint: 'Sign in with a Dify account to use this command.',
        httpStatus: 403,
      });
    }
    throw unexpectedStatus(answer, what);
  }
}
