import { h, icon } from '../shared/dom';
import {
  caretAfter,
  codeCharactersBefore,
  formatTypedCode,
  isValidUserCode,
} from '../shared/user-code';
import type { DeviceActions, DeviceView } from './device-view';

const CHECK_PATH = 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2z';
const WARNING_PATH = 'M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z';
const CROSS_PATH =
  'M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z';

/** The product name people see, for the client ids they know; anything else is shown as sent. */
function clientName(clientId: string): string {
  return clientId === 'difyctl' ? 'difyctl' : clientId;
}

function title(text: string): HTMLHeadingElement {
  // Focusable from script so that a view change moves screen readers and keyboards to it.
  return h('h1', { className: 'title', attrs: { tabindex: '-1' } }, text);
}

function lead(text: string): HTMLParagraphElement {
  return h('p', { className: 'lead' }, text);
}

function codeBlock(code: string): HTMLElement {
  return h(
    'p',
    { className: 'code-block' },
    h('span', { className: 'visually-hidden' }, 'Code: '),
    h('span', { className: 'code', attrs: { translate: 'no' } }, code),
  );
}

function button(
  label: string,
  kind: 'primary' | 'secondary' | 'link',
  onClick: () => void,
  type: 'button' | 'submit' = 'button',
): HTMLButtonElement {
  return h(
    'button',
    { className: `button ${kind}`, attrs: { type }, onClick: () => onClick() },
    label,
  );
}

/** The slot where approve and deny failures appear, without leaving the view. */
export function inlineError(): HTMLParagraphElement {
  return h('p', { className: 'inline-error', id: 'inline-error', attrs: { role: 'alert' } });
}

function codeEntry(actions: DeviceActions, prefill = ''): Node[] {
  const input = h('input', {
    className: 'code-input',
    id: 'user-code',
    attrs: {
      name: 'user_code',
      type: 'text',
      inputmode: 'text',
      autocomplete: 'one-time-code',
      autocapitalize: 'characters',
      autocorrect: 'off',
      spellcheck: 'false',
      placeholder: 'XXXX-XXXX',
      maxlength: '32',
      'aria-describedby': 'code-help',
      'data-autofocus': 'true',
    },
  });
  input.value = formatTypedCode(prefill);
  const submit = h(
    'button',
    { className: 'button primary', attrs: { type: 'submit' } },
    'Continue',
  );
  const sync = (): void => {
    submit.disabled = !isValidUserCode(input.value);
  };
  input.addEventListener('input', () => {
    const before = codeCharactersBefore(input.value, input.selectionStart ?? input.value.length);
    const formatted = formatTypedCode(input.value);
    if (formatted !== input.value) {
      input.value = formatted;
      const caret = caretAfter(formatted, before);
      input.setSelectionRange(caret, caret);
    }
    sync();
  });
  sync();
  const form = h(
    'form',
    { className: 'stack', attrs: { novalidate: '', 'aria-label': 'Enter your code' } },
    h('label', { className: 'label', attrs: { for: 'user-code' } }, 'Code'),
    input,
    h('p', { className: 'help', id: 'code-help' }, 'It looks like XXXX-XXXX.'),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (isValidUserCode(input.value)) actions.submitCode(input.value);
  });
  return [title('Authorize difyctl'), lead('Enter the code shown in your terminal'), form];
}

function statusIcon(kind: 'success' | 'warning' | 'cancelled'): SVGSVGElement {
  const path = kind === 'success' ? CHECK_PATH : kind === 'warning' ? WARNING_PATH : CROSS_PATH;
  return icon(path, `status-icon ${kind}`);
}

function initials(name: string, email: string): string {
  const words = (name.trim() || email).split(/[\s@._-]+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[1]] : [words[0] ?? '?'];
  return letters
    .map((word) => [...word][0] ?? '')
    .join('')
    .toUpperCase();
}

function errorView(
  heading: string,
  text: string,
  actionLabel: string,
  actions: DeviceActions,
): Node[] {
  return [
    statusIcon('warning'),
    title(heading),
    lead(text),
    h(
      'div',
      { className: 'actions' },
      button(actionLabel, 'primary', () => actions.startOver()),
    ),
  ];
}

/** The content of one view. Every string is rendered as text, never as markup. */
export function renderView(view: DeviceView, actions: DeviceActions): Node[] {
  switch (view.name) {
    case 'loading':
      return [title('Authorize difyctl'), lead('Loading…')];
    case 'code_entry':
      return codeEntry(actions, view.prefill);
    case 'confirm_code':
      return [
        title('Confirm your code'),
        codeBlock(view.code),
        lead('Check that this matches the code in your terminal'),
        h(
          'div',
          { className: 'actions' },
          button('Yes, it matches', 'primary', () => actions.confirmCode()),
          button("This isn't my code", 'secondary', () => actions.rejectCode()),
        ),
      ];
    case 'chooser':
      return [
        title('Sign in to authorize'),
        codeBlock(view.code),
        lead('Sign in to the account you want difyctl to use.'),
        h(
          'div',
          { className: 'actions' },
          button('Sign in with Dify account', 'primary', () => actions.signInWithDify()),
        ),
      ];
    case 'authorize_account': {
      const client = clientName(view.clientId);
      return [
        title(`Authorize ${client}`),
        h(
          'div',
          { className: 'notice', attrs: { role: 'note' } },
          statusIcon('warning'),
          h(
            'p',
            {},
            h('strong', {}, client),
            ' is asking for access to your Dify account. If you did not start this sign-in, cancel.',
          ),
        ),
        codeBlock(view.code),
        h(
          'div',
          { className: 'account' },
          h(
            'span',
            { className: 'avatar', attrs: { 'aria-hidden': 'true' } },
            initials(view.profile.name, view.profile.email),
          ),
          h(
            'div',
            { className: 'account-text' },
            h('p', { className: 'account-name' }, view.profile.name),
            h('p', { className: 'account-email' }, view.profile.email),
            view.workspace
              ? h('p', { className: 'account-workspace' }, `Workspace: ${view.workspace.name}`)
              : null,
          ),
        ),
        h(
          'div',
          { className: 'actions' },
          button('Authorize', 'primary', () => actions.authorize()),
          button('Cancel', 'secondary', () => actions.cancel()),
        ),
        inlineError(),
      ];
    }
    case 'success':
      return [
        statusIcon('success'),
        title("You're signed in"),
        lead('Return to your terminal'),
        h('p', { className: 'help' }, 'You can close this tab.'),
        h('a', { className: 'button link', attrs: { href: '/' } }, 'Go to the Dify console'),
      ];
    case 'denied':
      return [
        statusIcon('cancelled'),
        title('Request cancelled'),
        lead(`${clientName(view.clientId)} was not signed in`),
        h('p', { className: 'help' }, 'You can close this tab.'),
      ];
    case 'error_expired':
      return errorView(
        'Code no longer valid',
        'Expired or already used. Run difyctl auth login for a new code.',
        'Try a different code',
        actions,
      );
    case 'error_rate_limited':
      return errorView('Too many attempts', 'Wait a moment and try again', 'Try again', actions);
    case 'error_lookup_failed':
      return errorView(
        'Could not verify the code',
        'Something went wrong on our side',
        'Try again',
        actions,
      );
  }
}
