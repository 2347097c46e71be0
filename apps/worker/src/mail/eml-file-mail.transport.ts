import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import type StreamTransport from 'nodemailer/lib/stream-transport';
import type { MailAddress } from './mail.env';
import {
  MailTransport,
  nodemailerMessage,
  type MailReceipt,
  type OutgoingMail,
} from './mail-transport';

/**
 * Writes each message as an RFC 5322 `.eml` file, for deployments without an SMTP server: any
 * mail client opens them. The file is named by the message key, so a retried job replaces its
 * file instead of adding a second one.
 */
export class EmlFileMailTransport extends MailTransport {
  // The stream transport only renders the message; nothing leaves the process.
  private readonly renderer: Transporter<StreamTransport.SentMessageInfo> = createTransport({
    streamTransport: true,
    buffer: true,
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  constructor(
    private readonly directory: string,
    private readonly from: MailAddress,
  ) {
    super();
  }

  async send(mail: OutgoingMail): Promise<MailReceipt> {
    const info = await this.renderer.sendMail(nodemailerMessage(mail, this.from));
    if (!Buffer.isBuffer(info.message)) throw new Error('the stream transport returned no buffer');
    const file = join(this.directory, `${mail.key}.eml`);
    await this.writeAtomically(file, info.message);
    return { transport: 'eml-file', messageId: info.messageId, file };
  }

  /**
   * Temp file, fsync, rename: a reader (or a crash) never sees half a message. The temp name
   * starts with a dot and does not end in `.eml`, so nothing that lists mail picks it up.
   */
  private async writeAtomically(file: string, content: Buffer): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const temp = join(this.directory, `.${randomBytes(8).toString('hex')}.tmp`);
    try {
      // 0600: the message holds an address, an IP and a session id.
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
