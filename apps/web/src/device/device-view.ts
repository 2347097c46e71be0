import type { Profile, Workspace } from './device-api';

/** The states of the device page; `name` is also written to `data-view` on the card. */
export type DeviceView =
  | { readonly name: 'loading' }
  | { readonly name: 'code_entry'; readonly prefill?: string }
  | { readonly name: 'confirm_code'; readonly code: string }
  | { readonly name: 'chooser'; readonly code: string; readonly ssoAvailable: boolean }
  | {
      readonly name: 'authorize_account';
      readonly code: string;
      readonly clientId: string;
      readonly profile: Profile;
      readonly workspace: Workspace | null;
    }
  | { readonly name: 'success' }
  | { readonly name: 'denied'; readonly clientId: string }
  | { readonly name: 'error_expired' }
  | { readonly name: 'error_rate_limited' }
  | { readonly name: 'error_lookup_failed' };

export type DeviceViewName = DeviceView['name'];

/** What the person can do from the views; the page decides what each leads to. */
export interface DeviceActions {
  submitCode(code: string): void;
  confirmCode(): void;
  rejectCode(): void;
  signInWithDify(): void;
  authorize(): void;
  cancel(): void;
  startOver(): void;
}
