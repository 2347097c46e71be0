import { createHash } from 'node:crypto';
import type { MailAddress } from './mail.env';

export interface SigninAccount {
  readonly email: string;
  readonly name: string;
}

/** What the approval recorded; the `mail.new-device-signin` payload has these fields. */
export interface NewDeviceSignin {
  readonly clientId: string;
  readonly deviceLabel: string;
  readonly ip?: string;
  readonly approvedAt: string;
  readonly tokenId: string;
}

// Control characters would break the layout of the text (and, in a header, the message itself);
// bidirectional overrides can make a label read as something it is not.
const UNSAFE_CHARACTERS = /[\p{Cc}\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu;

function oneLine(value: string, maxLength: number): string {
  const clean = value.replace(UNSAFE_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

function utcTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return oneLine(iso, 64);
  return `${time.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * The key of one approval's mail: the token id plus the transition id, so a redelivered job
 * maps to the same `.eml` file and Message-ID while a later re-approval of the same device gets
 * a mail of its own. Both ids come from a job payload, which only length-checks the transition
 * id, so a part that is not plainly file-name safe is hashed rather than trusted.
 */
export function newDeviceSigninMailKey(tokenId: string, transitionId: string): string {
  const safe = (part: string) =>
    /^[A-Za-z0-9_-]{1,64}$/.test(part)
      ? part
      : createHash('sha256').update(part).digest('hex').slice(0, 32);
  return `new-device-signin-${safe(tokenId)}-${safe(transitionId)}`;
}

/**
 * The mail an account gets after it approved a device sign-in: which client and device, from
 * which IP and when, and how to revoke the session with the CLI (`difyctl auth devices`). It
 * never carries a token or a code. Pure: the same input gives the same mail.
 */
export class NewDeviceSigninMail {
  readonly to: MailAddress;
  readonly subject: string;
  readonly text: string;

  constructor(account: SigninAccount, signin: NewDeviceSignin) {
    const name = oneLine(account.name, 100);
    const client = oneLine(signin.clientId, 64);
    const device = oneLine(signin.deviceLabel, 255) || `${client} device`;
    const ip = oneLine(signin.ip ?? '', 64) || 'unknown';
    const sessionId = oneLine(signin.tokenId, 64);

    this.to = { name, address: account.email };
    // The client id comes from the deployment's allowlist; the device label is whatever the
    // signing-in machine sent, so it stays out of the subject line an inbox shows first.
    this.subject = `New sign-in to your Dify account with ${client}`;
    this.text = [
      name ? `Hi ${name},` : 'Hello,',
      '',
      `A new device was just signed in to your Dify account (${account.email}).`,
      '',
      `  Client:      ${client}`,
      `  Device:      ${device}`,
      `  IP address:  ${ip}`,
      `  Time:        ${utcTime(signin.approvedAt)}`,
      `  Session id:  ${sessionId}`,
      '',
      'If this was you, there is nothing to do.',
      '',
      'If it was not, someone may have talked you into approving a sign-in code',
      'they started. Revoke this session now. On a computer where difyctl is',
      'signed in to your account, list your devices:',
      '',
      '  difyctl auth devices',
      '',
      'then revoke this one by its session id:',
      '',
      `  difyctl auth devices revoke ${sessionId}`,
      '',
      'or sign out every device except the one you are using:',
      '',
      '  difyctl auth devices revoke --all',
      '',
      'Never approve a sign-in code that someone else sent you.',
      '',
      'This message was sent automatically; replies are not read.',
      '',
    ].join('\n');
  }
}
