import { shouldOpenBrowser } from './browser';

describe('shouldOpenBrowser', () => {
  const desktop = {
    requested: true,
    env: { DISPLAY: ':0' },
    platform: 'linux' as const,
    interactive: true,
  };

  it('opens on a desktop terminal', () => {
    expect(shouldOpenBrowser(desktop)).toBe(true);
    expect(shouldOpenBrowser({ ...desktop, env: { WAYLAND_DISPLAY: 'wayland-0' } })).toBe(true);
    expect(shouldOpenBrowser({ ...desktop, env: {}, platform: 'darwin' })).toBe(true);
  });

  it('does not open with --no-browser, over SSH, without a display on Linux, or without a TTY', () => {
    expect(shouldOpenBrowser({ ...desktop, requested: false })).toBe(false);
    expect(
      shouldOpenBrowser({
        ...desktop,
        env: { DISPLAY: ':0', SSH_CONNECTION: '10.0.0.1 1 10.0.0.2 22' },
      }),
    ).toBe(false);
    expect(shouldOpenBrowser({ ...desktop, env: { DISPLAY: ':0', SSH_TTY: '/dev/pts/1' } })).toBe(
      false,
    );
    expect(shouldOpenBrowser({ ...desktop, env: {} })).toBe(false);
    expect(shouldOpenBrowser({ ...desktop, interactive: false })).toBe(false);
  });
});
