import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Credentials } from './credentials';
import { CredentialsStore } from './credentials-store';

const CREDENTIALS: Credentials = {
  server: 'http://localhost:5001',
  token: 'dfoa_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  token_id: '0199a1b2-0000-7000-8000-000000000001',
  expires_at: '2030-01-01T00:00:00.000Z',
  subject_type: 'account',
  account: { id: '0199a1b2-0000-7000-8000-00000000000a', email: 'you@example.com', name: 'You' },
  subject_email: null,
  subject_issuer: null,
  workspaces: [
    { id: '0199a1b2-0000-7000-8000-00000000000b', name: "You's Workspace", role: 'owner' },
  ],
  default_workspace_id: '0199a1b2-0000-7000-8000-00000000000b',
};

const mode = (path: string) => statSync(path).mode & 0o777;

describe('CredentialsStore (real files in a temporary directory)', () => {
  let base: string;
  let warnings: string[];

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'difyctl-store-'));
    warnings = [];
  });

  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const storeIn = (dir: string) => new CredentialsStore(dir, (message) => warnings.push(message));

  it('creates the directory 0700 and the file 0600, and reads back what it wrote', () => {
    const dir = join(base, 'nested', 'difyctl');
    const store = storeIn(dir);
    store.save(CREDENTIALS);
    expect(mode(dir)).toBe(0o700);
    expect(mode(store.path)).toBe(0o600);
    expect(store.load()).toEqual(CREDENTIALS);
    expect(warnings).toEqual([]);
  });

  it('writes atomically: a rename of a temporary file, which leaves nothing behind', () => {
    const store = storeIn(base);
    store.save(CREDENTIALS);
    const before = statSync(store.path).ino;
    store.save({ ...CREDENTIALS, default_workspace_id: null });
    // A new inode means the old file was replaced whole, not rewritten in place.
    expect(statSync(store.path).ino).not.toBe(before);
    expect(readdirSync(base)).toEqual(['credentials.json']);
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toMatchObject({
      default_workspace_id: null,
    });
  });

  it('makes the file 0600 even under a permissive umask', () => {
    const previous = process.umask(0o000);
    try {
      const store = storeIn(base);
      store.save(CREDENTIALS);
      expect(mode(store.path)).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('keeps the old file when a write fails, and leaves no temporary file', () => {
    const store = storeIn(base);
    store.save(CREDENTIALS);
    const unserialisable = {
      ...CREDENTIALS,
      account: {
        toJSON: () => {
          throw new Error('boom');
        },
      },
    };
    expect(() => store.save(unserialisable as unknown as Credentials)).toThrow('boom');
    expect(store.load()).toEqual(CREDENTIALS);
    expect(readdirSync(base)).toEqual(['credentials.json']);
  });

  it('tightens a wider file and directory with a warning before reading the token', () => {
    const dir = join(base, 'difyctl');
    const store = storeIn(dir);
    store.save(CREDENTIALS);
    chmodSync(dir, 0o755);
    chmodSync(store.path, 0o644);
    expect(store.load()).toEqual(CREDENTIALS);
    expect(mode(dir)).toBe(0o700);
    expect(mode(store.path)).toBe(0o600);
    expect(warnings).toEqual([
      expect.stringContaining('had permissions 0755; tightened to 0700'),
      expect.stringContaining('had permissions 0644; tightened to 0600'),
    ]);
  });

  it('answers null when there is no file, and clear() says whether it deleted one', () => {
    const store = storeIn(join(base, 'missing'));
    expect(store.load()).toBeNull();
    expect(store.clear()).toBe(false);
    store.save(CREDENTIALS);
    expect(store.clear()).toBe(true);
    expect(store.load()).toBeNull();
  });

  it('treats a truncated or foreign file as no session, with a warning', () => {
    mkdirSync(join(base, 'd'), { mode: 0o700 });
    const store = storeIn(join(base, 'd'));
    writeFileSync(store.path, '{"server":"http://localhost:5001","tok', { mode: 0o600 });
    expect(store.load()).toBeNull();
    writeFileSync(store.path, JSON.stringify({ server: 'http://x', token: 'has spaces in it' }), {
      mode: 0o600,
    });
    expect(store.load()).toBeNull();
    expect(warnings).toHaveLength(2);
  });
});
