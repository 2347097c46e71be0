import { EnvValidationError, loadEnv } from '@dify/platform';
import { mailEnv } from './mail.env';

function problems(source: Record<string, string>): string[] {
  try {
    loadEnv(mailEnv, source);
    return [];
  } catch (error) {
    if (error instanceof EnvValidationError) return error.problems.map((p) => p.variable);
    throw error;
  }
}

describe('mail env', () => {
  it('writes .eml files under .data by default, from Dify <no-reply@localhost>', () => {
    expect(loadEnv(mailEnv, {})).toEqual({
      SMTP_URL: null,
      MAIL_FROM: { name: 'Dify', address: 'no-reply@localhost' },
      DATA_DIR: '.data',
    });
  });

  it.each(['smtp://mail.example.com', 'smtps://user:p%40ss@mail.example.com:465'])(
    'takes SMTP_URL=%s',
    (url) => {
      expect(loadEnv(mailEnv, { SMTP_URL: url }).SMTP_URL).toBe(url);
    },
  );

  it.each(['http://mail.example.com', 'mail.example.com:25', 'smtp://'])(
    'refuses SMTP_URL=%s',
    (url) => {
      expect(problems({ SMTP_URL: url })).toEqual(['SMTP_URL']);
    },
  );

  it('never echoes the SMTP password in its complaint', () => {
    let message = '';
    try {
      loadEnv(mailEnv, { SMTP_URL: 'ftp://user:hunter2@mail.example.com' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SMTP_URL');
    expect(message).not.toContain('hunter2');
  });

  it('takes a bare sender address', () => {
    expect(loadEnv(mailEnv, { MAIL_FROM: 'ops@example.com' }).MAIL_FROM).toEqual({
      name: '',
      address: 'ops@example.com',
    });
  });

  it.each(['Dify', 'a@example.com, b@example.com', 'Dify <>'])('refuses MAIL_FROM=%s', (from) => {
    expect(problems({ MAIL_FROM: from })).toEqual(['MAIL_FROM']);
  });
});
