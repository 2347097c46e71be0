import { copyFor, copyForCode } from '../shared/error-copy';
import { requestJson } from '../shared/http-client';
import { h } from '../shared/dom';
import { readReturn, type ReturnStorage } from '../shared/return-target';

export interface SigninPageEnvironment {
  readonly root: HTMLElement;
  readonly storage: ReturnStorage;
  readonly origin: string;
  readonly now: () => number;
  readonly navigate: (path: string) => void;
}

/** Where a successful sign-in leads when no valid return entry names a code. */
const DEFAULT_RETURN = '/device';

/**
 * Console sign-in with email and password. On success the console session arrives as cookies
 * (HttpOnly, so this script never holds it) and the page returns to the device page, to the exact
 * target the device page stored when that target is still valid.
 */
export class SigninPage {
  constructor(private readonly env: SigninPageEnvironment) {}

  start(): void {
    const email = h('input', {
      className: 'text-input',
      id: 'email',
      attrs: {
        name: 'email',
        type: 'email',
        autocomplete: 'username',
        required: '',
        'data-autofocus': 'true',
      },
    });
    const password = h('input', {
      className: 'text-input',
      id: 'password',
      attrs: { name: 'password', type: 'password', autocomplete: 'current-password', required: '' },
    });
    const submit = h(
      'button',
      { className: 'button primary', attrs: { type: 'submit' } },
      'Sign in',
    );
    const error = h('p', {
      className: 'inline-error',
      id: 'inline-error',
      attrs: { role: 'alert' },
    });
    const form = h(
      'form',
      { className: 'stack', attrs: { novalidate: '', 'aria-label': 'Sign in' } },
      h('label', { className: 'label', attrs: { for: 'email' } }, 'Email'),
      email,
      h('label', { className: 'label', attrs: { for: 'password' } }, 'Password'),
      password,
      submit,
      error,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit(email, password, submit, error);
    });
    // Arriving from the device page: say why the person is asked to sign in.
    const returning = readReturn(this.env.storage, this.env.origin, this.env.now(), {
      consume: false,
    });
    const root = this.env.root;
    root.dataset.view = 'signin';
    root.setAttribute('aria-busy', 'false');
    root.replaceChildren(
      h('h1', { className: 'title', attrs: { tabindex: '-1' } }, 'Sign in to Dify'),
      h(
        'p',
        { className: 'lead' },
        returning
          ? 'Sign in to authorize difyctl with your Dify account.'
          : 'Use your Dify account email and password.',
      ),
      form,
    );
    email.focus();
  }

  private async submit(
    email: HTMLInputElement,
    password: HTMLInputElement,
    submit: HTMLButtonElement,
    error: HTMLElement,
  ): Promise<void> {
    if (submit.disabled) return;
    error.textContent = '';
    if (!email.value.trim() || !password.value) {
      error.textContent = copyForCode('invalid_param');
      (email.value.trim() ? password : email).focus();
      return;
    }
    submit.disabled = true;
    this.env.root.setAttribute('aria-busy', 'true');
    try {
      await requestJson('/console/api/login', {
        method: 'POST',
        body: { email: email.value.trim(), password: password.value },
      });
      const entry = readReturn(this.env.storage, this.env.origin, this.env.now(), {
        consume: false,
      });
      this.env.navigate(entry?.target ?? DEFAULT_RETURN);
    } catch (failure) {
      error.textContent = copyFor(failure);
      password.value = '';
      password.focus();
      submit.disabled = false;
      this.env.root.setAttribute('aria-busy', 'false');
    }
  }
}
