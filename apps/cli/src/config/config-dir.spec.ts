import { resolveConfigDir } from './config-dir';

describe('resolveConfigDir', () => {
  const home = '/home/someone';

  it('prefers $DIFY_CONFIG_DIR', () => {
    expect(
      resolveConfigDir({
        env: { DIFY_CONFIG_DIR: '/tmp/dify', XDG_CONFIG_HOME: '/x' },
        home,
        platform: 'linux',
      }),
    ).toBe('/tmp/dify');
  });

  it('falls back to $XDG_CONFIG_HOME/difyctl', () => {
    expect(
      resolveConfigDir({ env: { XDG_CONFIG_HOME: '/home/someone/.xdg' }, home, platform: 'linux' }),
    ).toBe('/home/someone/.xdg/difyctl');
  });

  it('falls back to ~/.config/difyctl', () => {
    expect(resolveConfigDir({ env: {}, home, platform: 'linux' })).toBe(
      '/home/someone/.config/difyctl',
    );
    expect(resolveConfigDir({ env: {}, home, platform: 'darwin' })).toBe(
      '/home/someone/.config/difyctl',
    );
  });

  it('uses %AppData%\\difyctl on Windows', () => {
    expect(
      resolveConfigDir({
        env: { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' },
        home: 'C:\\Users\\me',
        platform: 'win32',
      }),
    ).toBe('C:\\Users\\me\\AppData\\Roaming\\difyctl');
  });
});
