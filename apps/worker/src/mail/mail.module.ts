import { type DynamicModule, Module } from '@nestjs/common';
import { AccountDirectoryModule } from '@dify/identity';
import { resolve } from 'node:path';
import { EmlFileMailTransport } from './eml-file-mail.transport';
import type { MailConfig } from './mail.env';
import { MailTransport } from './mail-transport';
import { NewDeviceSigninHandler } from './new-device-signin.handler';
import { SmtpMailTransport } from './smtp-mail.transport';

/** SMTP when `SMTP_URL` is set; otherwise `.eml` files under `<DATA_DIR>/mail/`. */
export function createMailTransport(config: MailConfig): MailTransport {
  return config.SMTP_URL
    ? new SmtpMailTransport(config.SMTP_URL, config.MAIL_FROM)
    : new EmlFileMailTransport(resolve(config.DATA_DIR, 'mail'), config.MAIL_FROM);
}

/** Mail composition and delivery for the worker's `mail` queue. */
@Module({})
export class MailModule {
  static forRoot(config: MailConfig): DynamicModule {
    return {
      module: MailModule,
      imports: [AccountDirectoryModule],
      providers: [
        { provide: MailTransport, useFactory: () => createMailTransport(config) },
        NewDeviceSigninHandler,
      ],
      exports: [NewDeviceSigninHandler],
    };
  }
}
