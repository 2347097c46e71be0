import type Mail from 'nodemailer/lib/mailer';
import type { MailAddress } from './mail.env';

/** One message to one person, plain text. */
export interface OutgoingMail {
  /**
   * Names this message for good: sending the same key again (a retried or redelivered job)
   * overwrites the `.eml` file and repeats the Message-ID, so nobody gets two different copies.
   * Only `[A-Za-z0-9_-]`, so it is safe as a file name.
   */
  readonly key: string;
  readonly to: MailAddress;
  readonly subject: string;
  readonly text: string;
}

export interface MailReceipt {
  readonly transport: 'smtp' | 'eml-file';
  readonly messageId: string;
  /** Where an `.eml` file was written. */
  readonly file?: string;
}

export const MAIL_KEY_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * Where mail goes: SMTP when `SMTP_URL` is set, otherwise `.eml` files. Implementations throw
 * `MailRejectedError` when the message itself was refused (retrying cannot help) and any other
 * error when a later attempt may succeed.
 */
export abstract class MailTransport {
  abstract send(mail: OutgoingMail): Promise<MailReceipt>;
}

/** The nodemailer message both transports build, so a file and an SMTP delivery are identical. */
export function nodemailerMessage(mail: OutgoingMail, from: MailAddress): Mail.Options {
  if (!MAIL_KEY_PATTERN.test(mail.key)) throw new Error(`unsafe mail key "${mail.key}"`);
  const domain = from.address.slice(from.address.lastIndexOf('@') + 1);
  return {
    // Copies: nodemailer writes into the address objects it is given, and the config is frozen.
    from: { ...from },
    to: { ...mail.to },
    subject: mail.subject,
    // RFC 5322 lines end in CRLF. Nodemailer writes its headers that way but passes a 7bit body
    // through as given, and an .eml file is never normalised by an SMTP hop.
    text: mail.text.replace(/\r?\n/g, '\r\n'),
    messageId: `<${mail.key}@${domain}>`,
    // RFC 3834: vacation responders and ticket systems must not answer a notification.
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
