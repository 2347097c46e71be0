import { isPermanentSmtpRejection } from './smtp-mail.transport';

function smtpError(fields: { code?: string; command?: string; responseCode?: number }): Error {
  return Object.assign(new Error('smtp failure'), fields);
}

describe('isPermanentSmtpRejection', () => {
  it.each([
    ['an unknown mailbox', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550 }],
    ['a refused message', { code: 'EMESSAGE', command: 'DATA', responseCode: 554 }],
    ['an address nodemailer cannot use', { code: 'EENVELOPE', command: 'API' }],
  ])('gives up on %s', (_case, fields) => {
    expect(isPermanentSmtpRejection(smtpError(fields))).toBe(true);
  });

  it.each([
    ['a greylisted recipient', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 451 }],
    ['a full mailbox for now', { code: 'EMESSAGE', command: 'DATA', responseCode: 452 }],
    ['failed authentication', { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 }],
    ['a refused sender', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553 }],
    ['a refused connection', { code: 'ECONNECTION', command: 'CONN' }],
    ['a timeout', { code: 'ETIMEDOUT', command: 'CONN' }],
  ])('retries %s', (_case, fields) => {
    expect(isPermanentSmtpRejection(smtpError(fields))).toBe(false);
  });

  it('retries anything that is not an error object', () => {
    expect(isPermanentSmtpRejection('boom')).toBe(false);
  });
});
