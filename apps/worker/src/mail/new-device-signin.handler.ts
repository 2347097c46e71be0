import { Injectable } from '@nestjs/common';
import { AccountDirectory } from '@dify/identity';
import type { MailNewDeviceSigninPayload } from '@dify/queue-contracts';
import { UnrecoverableError } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { MailRejectedError } from './mail-rejected.error';
import { MailTransport, type MailReceipt } from './mail-transport';
import { NewDeviceSigninMail, newDeviceSigninMailKey } from './new-device-signin.mail';

/**
 * `mail.new-device-signin`: tells the account that approved a device sign-in which device it
 * was and how to revoke it. Delivery is at least once; the message key keeps a redelivery from
 * producing a second, different copy.
 */
@Injectable()
export class NewDeviceSigninHandler {
  constructor(
    private readonly accounts: AccountDirectory,
    private readonly transport: MailTransport,
    @InjectPinoLogger(NewDeviceSigninHandler.name) private readonly logger: PinoLogger,
  ) {}

  async handle(payload: MailNewDeviceSigninPayload): Promise<MailReceipt> {
    const account = await this.accounts.find(payload.accountId);
    // The approval read this account moments before enqueueing; if it is gone it was deleted
    // since, and no retry brings it back.
    if (!account) throw new UnrecoverableError(`account ${payload.accountId} not found`);

    const mail = new NewDeviceSigninMail(account, payload);
    let receipt: MailReceipt;
    try {
      receipt = await this.transport.send({
        key: newDeviceSigninMailKey(payload.tokenId, payload.transitionId),
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
      });
    } catch (error) {
      if (error instanceof MailRejectedError) throw new UnrecoverableError(error.message);
      throw error;
    }
    this.logger.info(
      {
        token_id: payload.tokenId,
        account_id: payload.accountId,
        request_id: payload.requestId,
        transport: receipt.transport,
        message_id: receipt.messageId,
      },
      'new-device sign-in mail sent',
    );
    return receipt;
  }
}
