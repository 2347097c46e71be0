import type { OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { MailAddress } from './mail.env';
import { MailRejectedError } from './mail-rejected.error';
import {
  MailTransport,
  nodemailerMessage,
  type MailReceipt,
  type OutgoingMail,
} from './mail-transport';

/**
 * Whether an SMTP failure is about this message rather than about the connection or the
 * server's mood: a 5xx answer to RCPT TO or DATA (unknown mailbox, message refused), or an
 * envelope nodemailer could not even build (a malformed address). Everything else, 4xx
 * answers, timeouts, refused connections and authentication trouble included, may pass on a
 * later attempt, so the job retries.
 */
export function isPermanentSmtpRejection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, command, responseCode } = error as Error & {
    code?: unknown;
    command?: unknown;
    responseCode?: unknown;
  };
  if (command === 'API') return code === 'EENVELOPE' || code === 'EMESSAGE';
  return (
    (command === 'RCPT TO' || command === 'DATA') &&
    typeof responseCode === 'number' &&
    responseCode >= 500 &&
    responseCode < 600
  );
}

/** Delivers through the SMTP server of `SMTP_URL`, one connection per message. */
export class SmtpMailTransport extends MailTransport implements OnApplicationShutdown {
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    smtpUrl: string,
    private readonly from: MailAddress,
  ) {
    super();
    // Built from the transport class rather than `createTransport(url)`, which would drop every
    // option next to a URL. The URL's own query (e.g. `?requireTLS=true`) still wins. Nodemailer's
    // socket default is ten minutes; a stuck server would hold one of the mail queue's few slots
    // for that long.
    this.transporter = createTransport(
      new SMTPTransport({
        url: smtpUrl,
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 60_000,
        disableFileAccess: true,
        disableUrlAccess: true,
      }),
    );
  }

  async send(mail: OutgoingMail): Promise<MailReceipt> {
    try {
      const info = await this.transporter.sendMail(nodemailerMessage(mail, this.from));
      return { transport: 'smtp', messageId: info.messageId };
    } catch (error) {
      if (isPermanentSmtpRejection(error)) {
        const { responseCode } = error as { responseCode?: number };
        throw new MailRejectedError((error as Error).message, responseCode);
      }
      throw error;
    }
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}
