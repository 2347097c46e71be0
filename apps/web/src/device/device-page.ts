import { copyFor, classifyLookupError } from '../shared/error-copy';
import { readReturn, type ReturnStorage, userCodeOf, writeReturn } from '../shared/return-target';
import { normaliseUserCode } from '../shared/user-code';
import type { DeviceApi, Profile, Workspace } from './device-api';
import { readAndScrubUrl } from './device-url';
import type { DeviceActions, DeviceView } from './device-view';
import { renderView } from './device-views';

interface Session {
  readonly profile: Profile;
  readonly workspace: Workspace | null;
}

export interface DevicePageEnvironment {
  readonly root: HTMLElement;
  readonly api: DeviceApi;
  readonly storage: ReturnStorage;
  readonly location: Location;
  readonly history: History;
  readonly now: () => number;
  readonly navigate: (path: string) => void;
}

const DEFAULT_CLIENT = 'difyctl';

/**
 * The /device page: reads and scrubs its URL, learns who is signed in, and walks the person from
 * a code to a decision. It never approves without the person's click, and a code that came in the
 * URL must be confirmed as matching the terminal before anything else happens.
 */
export class DevicePage implements DeviceActions {
  private code: string | null = null;
  private clientId = DEFAULT_CLIENT;
  private session: Session | null = null;
  private ssoAvailable = false;
  private busy = false;
  private held: HTMLButtonElement[] = [];
  private heldFocus: HTMLButtonElement | null = null;

  constructor(private readonly env: DevicePageEnvironment) {}

  async start(): Promise<void> {
    const params = readAndScrubUrl(this.env.location, this.env.history);
    const origin = this.env.location.origin;
    const returned = readReturn(this.env.storage, origin, this.env.now(), { consume: true });
    await this.loadSession();
    if (params.userCode === null) {
      this.show({ name: 'code_entry' });
      return;
    }
    const code = normaliseUserCode(params.userCode);
    if (!code) {
      this.show({ name: 'error_expired' });
      return;
    }
    // Coming back from sign-in: the code was confirmed in this tab before the person left.
    const confirmed =
      returned !== null && returned.confirmed && userCodeOf(returned.target, origin) === code;
    await this.lookUp(code, confirmed);
  }

  submitCode(code: string): void {
    void this.lookUp(code, true);
  }

  confirmCode(): void {
    if (this.code) this.proceed(this.code);
  }

  rejectCode(): void {
    this.code = null;
    this.show({ name: 'code_entry' });
  }

  startOver(): void {
    this.code = null;
    this.show({ name: 'code_entry' });
  }

  signInWithDify(): void {
    if (!this.code) return;
    if (writeReturn(this.env.storage, this.env.location.origin, this.code, this.env.now())) {
      this.env.navigate('/signin');
    }
  }

  authorize(): void {
    void this.decide('approve');
  }

  cancel(): void {
    void this.decide('deny');
  }

  private async loadSession(): Promise<void> {
    const [profile, features] = await Promise.all([
      this.env.api.profile().catch(() => null),
      this.env.api.systemFeatures().catch(() => null),
    ]);
    this.ssoAvailable = features?.device_flow?.sso_available === true;
    if (!profile) return;
    const workspace = await this.env.api.currentWorkspace().catch(() => null);
    this.session = { profile, workspace };
  }

  private async lookUp(code: string, confirmed: boolean): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.setBusy(true);
    try {
      const result = await this.env.api.lookup(code);
      if (!result.valid) {
        this.show({ name: 'error_expired' });
        return;
      }
      this.code = code;
      this.clientId = result.client_id ?? DEFAULT_CLIENT;
      if (confirmed) this.proceed(code);
      else this.show({ name: 'confirm_code', code });
    } catch (error) {
      const failure = classifyLookupError(error);
      this.show({
        name:
          failure === 'rate_limited'
            ? 'error_rate_limited'
            : failure === 'failed'
              ? 'error_lookup_failed'
              : 'error_expired',
      });
    } finally {
      this.busy = false;
      this.setBusy(false);
    }
  }

  /** A confirmed, valid code: authorize when signed in, otherwise offer the ways to sign in. */
  private proceed(code: string): void {
    if (this.session) {
      this.show({
        name: 'authorize_account',
        code,
        clientId: this.clientId,
        profile: this.session.profile,
        workspace: this.session.workspace,
      });
    } else {
      this.show({ name: 'chooser', code, ssoAvailable: this.ssoAvailable });
    }
  }

  private async decide(decision: 'approve' | 'deny'): Promise<void> {
    const code = this.code;
    if (!code || this.busy) return;
    this.busy = true;
    this.setBusy(true);
    this.showInlineError(null);
    try {
      if (decision === 'approve') {
        await this.env.api.approve(code);
        this.show({ name: 'success' });
      } else {
        await this.env.api.deny(code);
        this.show({ name: 'denied', clientId: this.clientId });
      }
    } catch (error) {
      this.showInlineError(copyFor(error));
    } finally {
      this.busy = false;
      this.setBusy(false);
    }
  }

  private show(view: DeviceView): void {
    const root = this.env.root;
    root.dataset.view = view.name;
    root.setAttribute('aria-busy', 'false');
    root.replaceChildren(...renderView(view, this));
    const target =
      root.querySelector<HTMLElement>('[data-autofocus]') ?? root.querySelector<HTMLElement>('h1');
    target?.focus();
  }

  /**
   * While a call is in flight its buttons are disabled; only those are enabled again after. A
   * disabled button drops the keyboard focus, so the button that had it gets it back when the
   * view stayed (an inline error), and keyboard users keep their place.
   */
  private setBusy(busy: boolean): void {
    this.env.root.setAttribute('aria-busy', String(busy));
    if (busy) {
      const active = this.env.root.ownerDocument.activeElement;
      this.held = [...this.env.root.querySelectorAll('button')].filter(
        (control) => !control.disabled,
      );
      this.heldFocus = this.held.find((control) => control === active) ?? null;
      for (const control of this.held) control.disabled = true;
      return;
    }
    for (const control of this.held) control.disabled = false;
    if (this.heldFocus?.isConnected) this.heldFocus.focus();
    this.held = [];
    this.heldFocus = null;
  }

  private showInlineError(message: string | null): void {
    const slot = this.env.root.querySelector<HTMLElement>('#inline-error');
    if (!slot) return;
    slot.textContent = message ?? '';
  }
}
