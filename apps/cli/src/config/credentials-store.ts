import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseStoredCredentials } from '../wire/credentials.parser';
import type { Credentials } from './credentials';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const FILE_NAME = 'credentials.json';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/**
 * `credentials.json` in the config directory. The directory is 0700 and the file 0600; wider
 * permissions found on either are tightened, with a warning, before the token is read. Writes
 * are atomic (a 0600 temporary file in the same directory, flushed, then renamed over the old
 * file), so a crash or Ctrl-C leaves either the old file or the new one, never half of one.
 * Every operation is synchronous on purpose: no signal handler can run in the middle of one.
 */
export class CredentialsStore {
  readonly path: string;

  constructor(
    readonly dir: string,
    private readonly warn: (message: string) => void,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.path = join(dir, FILE_NAME);
  }

  /** The stored credentials, or null when there are none (or the file is unusable). */
  load(): Credentials | null {
    let text: string;
    try {
      this.tighten(this.dir, DIR_MODE, 'directory');
      this.tighten(this.path, FILE_MODE, 'file');
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const credentials = parseStoredCredentials(parsed);
    if (!credentials) this.warn(`ignoring unreadable credentials file ${this.path}`);
    return credentials;
  }

  save(credentials: Credentials): void {
    mkdirSync(this.dir, { recursive: true, mode: DIR_MODE });
    this.tighten(this.dir, DIR_MODE, 'directory');
    const temporary = join(this.dir, `.${FILE_NAME}.${randomBytes(6).toString('hex')}.tmp`);
    // `wx` refuses an existing path, so a planted file or symlink is never written through.
    const fd = openSync(temporary, 'wx', FILE_MODE);
    try {
      try {
        writeSync(fd, `${JSON.stringify(credentials, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      // The umask may have narrowed the mode further, never widened it; make it exact.
      if (this.platform !== 'win32') chmodSync(temporary, FILE_MODE);
      renameSync(temporary, this.path);
    } catch (error) {
      try {
        unlinkSync(temporary);
      } catch {
        // Already renamed or never created: nothing left behind either way.
      }
      throw error;
    }
  }

  /** Deletes the file; answers whether there was one. */
  clear(): boolean {
    try {
      unlinkSync(this.path);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  private tighten(path: string, mode: number, what: 'file' | 'directory'): void {
    if (this.platform === 'win32') return;
    const current = statSync(path).mode & 0o777;
    if ((current & ~mode) === 0) return;
    chmodSync(path, mode);
    this.warn(
      `credentials ${what} ${path} had permissions ${current.toString(8).padStart(4, '0')}; ` +
        `tightened to ${mode.toString(8).padStart(4, '0')}`,
    );
  }
}
