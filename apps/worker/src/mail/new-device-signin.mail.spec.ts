import { NewDeviceSigninMail, newDeviceSigninMailKey } from './new-device-signin.mail';

describe('NewDeviceSigninMail', () => {
  const account = { email: 'ana@example.com', name: 'Ana Lima' };
  const signin = {
    clientId: 'difyctl',
    deviceLabel: 'ana-laptop',
    ip: '203.0.113.9',
    approvedAt: '2030-01-02T03:04:05.678Z',
    tokenId: '0190c0de-7a1b-7c2d-8e3f-4a5b6c7d8e9f',
  };

  it('goes to the account, greeting it by name', () => {
    const mail = new NewDeviceSigninMail(account, signin);
    expect(mail.to).toEqual({ name: 'Ana Lima', address: 'ana@example.com' });
    expect(mail.text.startsWith('Hi Ana Lima,\n')).toBe(true);
  });

  it('says which client and device signed in, from which IP and when (in UTC)', () => {
    const { subject, text } = new NewDeviceSigninMail(account, signin);
    expect(subject).toBe('New sign-in to your Dify account with difyctl');
    expect(text).toContain('ana@example.com');
    expect(text).toMatch(/Client: +difyctl\n/);
    expect(text).toMatch(/Device: +ana-laptop\n/);
    expect(text).toMatch(/IP address: +203\.0\.113\.9\n/);
    expect(text).toMatch(/Time: +2030-01-02 03:04:05 UTC\n/);
  });

  it('tells how to list and revoke the session with the CLI, naming this session', () => {
    const { text } = new NewDeviceSigninMail(account, signin);
    expect(text).toContain('  difyctl auth devices\n');
    expect(text).toContain(`  difyctl auth devices revoke ${signin.tokenId}\n`);
    expect(text).toContain('  difyctl auth devices revoke --all\n');
  });

  it('keeps the device label, which the signing-in machine chose, out of the subject', () => {
    const { subject } = new NewDeviceSigninMail(account, {
      ...signin,
      deviceLabel: 'Dify support: call +1 555 0100',
    });
    expect(subject).not.toContain('support');
  });

  it('says "unknown" when the approval recorded no IP', () => {
    const { text } = new NewDeviceSigninMail(account, { ...signin, ip: undefined });
    expect(text).toMatch(/IP address: +unknown\n/);
  });

  it('flattens control characters and direction overrides in the label to one line', () => {
    const { text } = new NewDeviceSigninMail(account, {
      ...signin,
      deviceLabel: 'laptop\r\nBcc: x@evil.example\u202E\t',
    });
    expect(text).toMatch(/Device: +laptop Bcc: x@evil\.example\n/);
    expect(text).not.toContain('\r');
    expect(text).not.toContain('\u202E');
  });

  it('greets without a name when the account has none', () => {
    const { text } = new NewDeviceSigninMail({ ...account, name: ' ' }, signin);
    expect(text.startsWith('Hello,\n')).toBe(true);
  });

  it('is the same mail for the same sign-in', () => {
    expect(new NewDeviceSigninMail(account, signin)).toEqual(
      new NewDeviceSigninMail(account, signin),
    );
  });
});

describe('newDeviceSigninMailKey', () => {
  const tokenId = '0190c0de-7a1b-7c2d-8e3f-4a5b6c7d8e9f';

  it('is stable for one approval and differs for the next approval of the same token', () => {
    expect(newDeviceSigninMailKey(tokenId, 'AAAAAAAAAAAAAAAAAAAAAA')).toBe(
      `new-device-signin-${tokenId}-AAAAAAAAAAAAAAAAAAAAAA`,
    );
    expect(newDeviceSigninMailKey(tokenId, 'BBBBBBBBBBBBBBBBBBBBBB')).not.toBe(
      newDeviceSigninMailKey(tokenId, 'AAAAAAAAAAAAAAAAAAAAAA'),
    );
  });

  it('hashes a transition id that is not file-name safe instead of using it', () => {
    const key = newDeviceSigninMailKey(tokenId, '../../etc/passwd');
    expect(key).toMatch(/^new-device-signin-[0-9a-f-]+-[0-9a-f]{32}$/);
    expect(newDeviceSigninMailKey(tokenId, '../../etc/passwd')).toBe(key);
  });
});
