import { CSRF_HEADER, readCsrfCookie } from '../shared/cookies';
import { DeviceFlowError } from '../shared/device-flow.error';
import { requestJson } from '../shared/http-client';

export interface LookupResult {
  readonly valid: boolean;
  readonly expires_in_remaining: number;
  readonly client_id: string | null;
}

export interface Profile {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

export interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly role: string;
}

export interface SystemFeatures {
  readonly device_flow?: { readonly sso_available?: boolean };
}

const DEVICE = '/openapi/v1/oauth/device';

/**
 * The calls the device page makes, all on its own origin (the gateway passes the device
 * endpoints to the auth service). Approve and deny answer only a status: the token goes to the
 * polling CLI, never to the page.
 */
export class DeviceApi {
  constructor(private readonly cookies: () => string) {}

  lookup(userCode: string): Promise<LookupResult> {
    return requestJson<LookupResult>(`${DEVICE}/lookup?user_code=${encodeURIComponent(userCode)}`);
  }

  approve(userCode: string): Promise<{ status: string }> {
    return this.decide('approve', userCode);
  }

  deny(userCode: string): Promise<{ status: string }> {
    return this.decide('deny', userCode);
  }

  /** The signed-in account, or null when there is no console session (401). No retry. */
  async profile(): Promise<Profile | null> {
    try {
      return await requestJson<Profile>('/console/api/account/profile');
    } catch (error) {
      if (error instanceof DeviceFlowError && error.status === 401) return null;
      throw error;
    }
  }

  currentWorkspace(): Promise<Workspace> {
    return requestJson<Workspace>('/console/api/workspaces/current');
  }

  systemFeatures(): Promise<SystemFeatures> {
    return requestJson<SystemFeatures>('/console/api/system-features');
  }

  private decide(decision: 'approve' | 'deny', userCode: string): Promise<{ status: string }> {
    // Double-submit CSRF: the readable cookie goes back as a header the browser never adds itself.
    const csrf = readCsrfCookie(this.cookies()) ?? '';
    return requestJson<{ status: string }>(`${DEVICE}/${decision}`, {
      method: 'POST',
      body: { user_code: userCode },
      headers: { [CSRF_HEADER]: csrf },
    });
  }
}
