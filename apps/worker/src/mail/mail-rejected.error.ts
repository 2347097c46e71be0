/**
 * The mail server refused this message for good (an unknown mailbox, a message it will never
 * accept). The worker fails the job without retrying; connection and server trouble are not this.
 */
export class MailRejectedError extends Error {
  constructor(
    message: string,
    readonly responseCode: number | undefined,
  ) {
    super(message);
    this.name = 'MailRejectedError';
  }
}
