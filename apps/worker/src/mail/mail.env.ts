import { env, EnvVarError, type EnvOf, type EnvVar } from '@dify/platform';
import addressparser from 'nodemailer/lib/addressparser';

/** A mailbox as nodemailer takes it; `name` may be empty. */
export interface MailAddress {
  readonly name: string;
  readonly address: string;
}

/** `smtp://` or `smtps://`, or null when unset: mail then goes to `.eml` files instead. */
function smtpUrl(): EnvVar<string | null> {
  return {
    description:
      'SMTP server as smtp:// or smtps:// URL (credentials in the URL); empty writes .eml files',
    defaultValue: '',
    // The URL usually carries the SMTP password.
    secret: true,
    parse(raw) {
      const value = raw.trim();
      if (value === '') return null;
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        throw new EnvVarError('must be an absolute smtp:// or smtps:// URL');
      }
      if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
        throw new EnvVarError('must use smtp: or smtps:');
      }
      if (parsed.hostname === '') throw new EnvVarError('must name a host');
      return value;
    },
  };
}

function mailFrom(): EnvVar<MailAddress> {
  const base = env.str({
    description: 'Sender of the mail the worker sends, as `Name <address>` or a bare address',
    default: 'Dify <no-reply@localhost>',
  });
  return {
    ...base,
    parse(raw) {
      const parsed = addressparser(base.parse(raw).trim(), { flatten: true });
      const [first] = parsed;
      // The domain also names the Message-ID, so an address without one is refused here
      // rather than producing malformed mail later.
      if (parsed.length !== 1 || !first || !/^[^@\s]+@[^@\s]+$/.test(first.address)) {
        throw new EnvVarError('must be one mailbox, e.g. "Dify <no-reply@example.com>"');
      }
      return Object.freeze({ name: first.name, address: first.address });
    },
  };
}

/** Mail settings of the worker. */
export const mailEnv = {
  SMTP_URL: smtpUrl(),
  MAIL_FROM: mailFrom(),
  DATA_DIR: env.str({
    description: 'Data directory; without SMTP_URL, mail is written to <DATA_DIR>/mail/*.eml',
    default: '.data',
  }),
} as const;

export type MailConfig = EnvOf<typeof mailEnv>;
