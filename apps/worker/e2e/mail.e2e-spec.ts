import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobRequest, JOBS, QUEUES, type MailNewDeviceSigninPayload } from '@dify/queue-contracts';
import { openTestQueue, ServiceProcess, testEnvironment, waitFor } from '@dify/testing';
import type { Job, Queue } from 'bullmq';
import { Client } from 'pg';

/**
 * The new-device sign-in mail across real processes: this test enqueues like auth does after an
 * approval, a worker process built from dist/ consumes, and the result is read where a person
 * would find it: an `.eml` file under DATA_DIR, or a message at an SMTP server.
 */

interface ParsedMail {
  readonly raw: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** Just enough RFC 5322 / MIME to read a single-part text message. */
function parseMail(raw: string): ParsedMail {
  const split = raw.indexOf('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  if (encoding === 'quoted-printable') {
    const bytes: number[] = [];
    const joined = body.replace(/=\r\n/g, '');
    for (let i = 0; i < joined.length; i += 1) {
      const hex = joined[i] === '=' ? /^[0-9A-F]{2}/.exec(joined.slice(i + 1, i + 3)) : null;
      if (hex) {
        bytes.push(parseInt(hex[0], 16));
        i += 2;
      } else {
        bytes.push(joined.charCodeAt(i));
      }
    }
    body = Buffer.from(bytes).toString('utf8');
  } else if (encoding === 'base64') {
    body = Buffer.from(body, 'base64').toString('utf8');
  }
  return { raw, headers, body: body.replace(/\r\n/g, '\n') };
}

interface ReceivedMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly data: string;
}

/**
 * A tiny SMTP server: greets, accepts EHLO/HELO, MAIL, RCPT and DATA, and keeps what it was
 * sent. `refuse` makes it answer RCPT TO for one address with a chosen reply, a given number of
 * times, so tests can play a greylisting server or a missing mailbox.
 */
class SmtpSink {
  readonly messages: ReceivedMessage[] = [];
  readonly recipientAttempts: string[] = [];
  private readonly refusals = new Map<string, { reply: string; times: number }>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpSink> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const sink = new SmtpSink(server, typeof address === 'object' && address ? address.port : 0);
    server.on('connection', (socket) => sink.serve(socket));
    return sink;
  }

  refuse(address: string, reply: string, times = Number.POSITIVE_INFINITY): void {
    this.refusals.set(address.toLowerCase(), { reply, times });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let from = '';
    let to: string[] = [];
    let data: string[] | null = null;
    let pending = '';

    const handle = (line: string) => {
      if (data) {
        if (line === '.') {
          this.messages.push({ from, to, data: `${data.join('\r\n')}\r\n` });
          data = null;
          from = '';
          to = [];
          reply('250 2.0.0 queued');
        } else {
          data.push(line.startsWith('.') ? line.slice(1) : line);
        }
        return;
      }
      const verb = line.split(' ')[0]?.toUpperCase();
      const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
      switch (verb) {
        case 'EHLO':
        case 'HELO':
          return reply('250 sink.test');
        case 'MAIL':
          from = address;
          return reply('250 2.1.0 ok');
        case 'RCPT': {
          this.recipientAttempts.push(address);
          const refusal = this.refusals.get(address.toLowerCase());
          if (refusal && refusal.times > 0) {
            refusal.times -= 1;
            return reply(refusal.reply);
          }
          to.push(address);
          return reply('250 2.1.5 ok');
        }
        case 'DATA':
          if (to.length === 0) return reply('554 5.5.1 no valid recipients');
          data = [];
          return reply('354 end with <CRLF>.<CRLF>');
        case 'RSET':
          from = '';
          to = [];
          return reply('250 2.0.0 ok');
        case 'NOOP':
          return reply('250 2.0.0 ok');
        case 'QUIT':
          reply('221 2.0.0 bye');
          return socket.end();
        default:
          return reply('502 5.5.2 command not implemented');
      }
    };

    reply('220 sink.test ESMTP');
    socket.on('data', (chunk: string) => {
      pending += chunk;
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        handle(line);
      }
    });
  }
}

describe('new-device sign-in mail (worker process)', () => {
  let db: Client;
  let mail: Queue;

  beforeAll(async () => {
    db = new Client({ connectionString: testEnvironment().databaseUrl });
    await db.connect();
    mail = openTestQueue(QUEUES.mail);
  });

  afterAll(async () => {
    await mail.close();
    await db.end();
  });

  async function account(name: string): Promise<{ id: string; email: string; name: string }> {
    const id = randomUUID();
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${id.slice(0, 8)}@example.com`;
    await db.query(`INSERT INTO accounts (id, email, name, status) VALUES ($1, $2, $3, 'active')`, [
      id,
      email,
      name,
    ]);
    return { id, email, name };
  }

  function signin(
    accountId: string,
    overrides: Partial<MailNewDeviceSigninPayload> = {},
  ): MailNewDeviceSigninPayload {
    return {
      accountId,
      tokenId: randomUUID(),
      transitionId: randomBytes(16).toString('base64url'),
      clientId: 'difyctl',
      deviceLabel: 'build-box-7',
      ip: '203.0.113.9',
      approvedAt: '2030-01-02T03:04:05.678Z',
      requestId: 'req-mail-e2e',
      ...overrides,
    };
  }

  /** Enqueues as auth does: the job id names the approval transition. */
  async function enqueue(
    payload: MailNewDeviceSigninPayload,
    options: { jobId?: string; attempts?: number; backoffMs?: number } = {},
  ): Promise<Job> {
    const request = jobRequest(JOBS.mailNewDeviceSignin, payload);
    return mail.add(request.name, request.data, {
      ...request.opts,
      ...(options.jobId ? { jobId: options.jobId } : {}),
      ...(options.attempts ? { attempts: options.attempts } : {}),
      ...(options.backoffMs ? { backoff: { type: 'fixed', delay: options.backoffMs } } : {}),
    });
  }

  /** Waits for the job to finish; finishing the other way fails at once, with the reason. */
  async function settled(job: Job, expected: 'completed' | 'failed'): Promise<Job> {
    const state = await waitFor(
      async () => {
        const current = await job.getState();
        return (current === 'completed' || current === 'failed') && current;
      },
      { description: `job ${job.id} to finish` },
    );
    const finished = await mail.getJob(job.id ?? '');
    if (!finished) throw new Error(`job ${job.id} vanished`);
    if (state !== expected) {
      throw new Error(`job ${job.id} ${state}, expected ${expected}: ${finished.failedReason}`);
    }
    return finished;
  }

  function expectSigninMail(
    parsed: ParsedMail,
    to: { email: string; name: string },
    payload: MailNewDeviceSigninPayload,
  ) {
    expect(parsed.headers.get('to')).toBe(`${to.name} <${to.email}>`);
    expect(parsed.headers.get('from')).toBe('Dify <no-reply@localhost>');
    expect(parsed.headers.get('subject')).toBe('New sign-in to your Dify account with difyctl');
    expect(parsed.headers.get('message-id')).toContain(payload.tokenId);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.body).toContain(`Hi ${to.name},`);
    expect(parsed.body).toMatch(/Device: +build-box-7\n/);
    expect(parsed.body).toMatch(/IP address: +203\.0\.113\.9\n/);
    expect(parsed.body).toMatch(/Time: +2030-01-02 03:04:05 UTC\n/);
    expect(parsed.body).toContain(`difyctl auth devices revoke ${payload.tokenId}`);
    expect(parsed.raw).not.toMatch(/dfo[ae]_|dc_[A-Za-z0-9_-]{43}/);
  }

  describe('without SMTP_URL', () => {
    let dataDir: string;
    let worker: ServiceProcess;
    const mailDir = () => join(dataDir, 'mail');
    const filesIn = (dir: string) => {
      try {
        return readdirSync(dir).sort();
      } catch {
        return [];
      }
    };

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'dify-mail-e2e-'));
      worker = await ServiceProcess.start('worker', { DATA_DIR: dataDir, WORKER_QUEUES: 'mail' });
    });

    afterAll(async () => {
      await worker?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('writes the mail as one RFC 5322 .eml file under DATA_DIR/mail', async () => {
      const ana = await account('Ana Lima');
      const payload = signin(ana.id);

      const done = await settled(await enqueue(payload), 'completed');

      const files = filesIn(mailDir()).filter((file) => file.includes(payload.tokenId));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      expect(done.returnvalue).toMatchObject({
        transport: 'eml-file',
        file: join(mailDir(), files[0] ?? ''),
      });
      const raw = readFileSync(join(mailDir(), files[0] ?? ''), 'utf8');
      expect(raw.replace(/\r\n/g, '')).not.toContain('\n');
      expectSigninMail(parseMail(raw), ana, payload);
      expect(filesIn(mailDir()).filter((file) => !file.endsWith('.eml'))).toEqual([]);
    });

    it('replaces the file, not adds one, when the same approval is delivered again', async () => {
      const ana = await account('Ana Again');
      const payload = signin(ana.id);
      await settled(await enqueue(payload), 'completed');
      const before = filesIn(mailDir());

      // A different job id: BullMQ treats it as a new job, as after a lost acknowledgement.
      await settled(await enqueue(payload, { jobId: `again-${payload.tokenId}` }), 'completed');

      expect(filesIn(mailDir())).toEqual(before);
      expect(filesIn(mailDir()).filter((file) => file.includes(payload.tokenId))).toHaveLength(1);
    });

    it('mails a second approval of the same device separately', async () => {
      const ana = await account('Ana Twice');
      const first = signin(ana.id);
      const second = { ...first, transitionId: randomBytes(16).toString('base64url') };
      await settled(await enqueue(first), 'completed');
      await settled(await enqueue(second), 'completed');

      expect(filesIn(mailDir()).filter((file) => file.includes(first.tokenId))).toHaveLength(2);
    });

    it('fails the job for an account that no longer exists, without retrying', async () => {
      const payload = signin(randomUUID());

      const failed = await settled(await enqueue(payload), 'failed');

      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/not found/);
      expect(filesIn(mailDir()).filter((file) => file.includes(payload.tokenId))).toEqual([]);
    });
  });

  describe('with SMTP_URL', () => {
    let sink: SmtpSink;
    let dataDir: string;
    let worker: ServiceProcess;

    beforeAll(async () => {
      sink = await SmtpSink.start();
      dataDir = mkdtempSync(join(tmpdir(), 'dify-mail-e2e-'));
      worker = await ServiceProcess.start('worker', {
        DATA_DIR: dataDir,
        WORKER_QUEUES: 'mail',
        SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      });
    });

    afterAll(async () => {
      await worker?.stop();
      await sink?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('delivers the mail to the account through the SMTP server, writing no file', async () => {
      const bo = await account('Bo Chen');
      const payload = signin(bo.id);

      const done = await settled(await enqueue(payload), 'completed');

      const delivered = sink.messages.filter((message) => message.to.includes(bo.email));
      expect(delivered).toHaveLength(1);
      expect(delivered[0]?.from).toBe('no-reply@localhost');
      expectSigninMail(parseMail(delivered[0]?.data ?? ''), bo, payload);
      expect(done.returnvalue).toMatchObject({ transport: 'smtp' });
      expect(readdirSync(dataDir)).toEqual([]);
    });

    it('retries when the server refuses for now, and delivers on a later attempt', async () => {
      const cy = await account('Cy Park');
      sink.refuse(cy.email, '451 4.7.1 greylisted, try again later', 1);

      await settled(await enqueue(signin(cy.id), { attempts: 3, backoffMs: 200 }), 'completed');

      expect(sink.recipientAttempts.filter((address) => address === cy.email)).toHaveLength(2);
      expect(sink.messages.filter((message) => message.to.includes(cy.email))).toHaveLength(1);
    });

    it('gives up at once when the server refuses the mailbox for good', async () => {
      const dee = await account('Dee Moss');
      sink.refuse(dee.email, '550 5.1.1 no such mailbox');

      const failed = await settled(await enqueue(signin(dee.id)), 'failed');

      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toMatch(/550/);
      expect(sink.recipientAttempts.filter((address) => address === dee.email)).toHaveLength(1);
    });
  });
});
