/**
 * One run at a time per project: `.django-docker/lock` holds the pid and host of the run that
 * owns the folder. A second run refuses in one line and writes nothing; a lock left by a run that
 * died (its pid is gone on this host) is taken over. Releasing removes the lock and, when the run
 * created `.django-docker/` only for it, the folder too, with the folder times put back: a run
 * that writes nothing leaves no trace.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  type Stats,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.ts';
import { locateInside } from './confine.ts';

export const LOCK_DIR = '.django-docker';
export const LOCK_FILE = `${LOCK_DIR}/lock`;

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  token: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | undefined {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof data.pid === 'number' && typeof data.host === 'string' && typeof data.token === 'string') {
      return { pid: data.pid, host: data.host, started: String(data.started ?? ''), token: data.token };
    }
  } catch {
    // Unreadable or half-written: treated as a lock of unknown owner.
  }
  return undefined;
}

export class ProjectLock {
  private released = false;

  private constructor(
    private readonly path: string,
    private readonly token: string,
    /** The lock folder did not exist before: removed again on release. */
    private readonly createdDir: boolean,
    /** Folder times before the lock was taken. */
    private readonly times: Array<[string, Stats]>,
  ) {}

  /** Take the project's lock or refuse in one line. */
  static acquire(root: string): ProjectLock {
    const dirInfo = locateInside(root, LOCK_DIR, LOCK_DIR);
    if (dirInfo.kind === 'link') {
      throw new UsageError(
        `${LOCK_DIR} is a symbolic link: the generator keeps its state only inside the project; replace the link with the folder`,
      );
    }
    if (dirInfo.kind === 'file' || dirInfo.kind === 'other') {
      throw new UsageError(`${LOCK_DIR} is not a folder: move it away, then run again`);
    }
    const dir = dirInfo.real;
    const parent = join(dir, '..');
    const times: Array<[string, Stats]> = [[parent, statSync(parent)]];
    let createdDir = false;
    if (dirInfo.kind === 'absent') {
      try {
        mkdirSync(dir);
        createdDir = true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new UsageError(`cannot create ${LOCK_DIR}: ${(err as Error).message.split('\n')[0]}; run where you may write`);
        }
      }
    }
    if (!createdDir) times.push([dir, statSync(dir)]);
    const path = join(dir, 'lock');
    const token = randomBytes(8).toString('hex');
    const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), token };
    const lock = new ProjectLock(path, token, createdDir, times);
    try {
      lock.create(info);
    } catch (err) {
      lock.cleanUp();
      throw err;
    }
    return lock;
  }

  private create(info: LockInfo, attempt = 0): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'wx', 0o644);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new UsageError(`cannot create ${LOCK_FILE}: ${(err as Error).message.split('\n')[0]}`);
      const held = readLock(this.path);
      const stale = held && held.host === info.host && !alive(held.pid);
      if (!stale || attempt > 0) {
        const who = held ? `pid ${held.pid} on ${held.host}${held.started ? `, since ${held.started}` : ''}` : 'unknown owner';
        throw new UsageError(
          `another django-docker run is working in this project (${who}): wait for it to finish; if no run is going on, remove ${LOCK_FILE}`,
        );
      }
      this.takeOver(held);
      this.create(info, attempt + 1);
      return;
    }
    try {
      writeSync(fd, `${JSON.stringify(info)}\n`);
    } finally {
      closeSync(fd);
    }
  }

  /** Remove a dead run's lock; rename first, so two runs cannot both remove one lock and a new one with it. */
  private takeOver(stale: LockInfo): void {
    const aside = `${this.path}.${process.pid}.stale`;
    try {
      renameSync(this.path, aside);
    } catch {
      return;
    }
    const moved = readLock(aside);
    if (moved?.token !== stale.token) {
      // Another run took the lock meanwhile: give it back.
      try {
        linkSync(aside, this.path);
      } catch {
        // Someone holds a newer lock; ours will fail with EEXIST and report it.
      }
    }
    unlinkSync(aside);
  }

  /** Remove the lock (only ours) and, if the run made the folder for it, the folder. */
  release(wroteFiles = false): void {
    if (this.released) return;
    this.released = true;
    const held = readLock(this.path);
    if (held?.token === this.token) {
      try {
        unlinkSync(this.path);
      } catch {
        // Already gone.
      }
    }
    this.cleanUp(wroteFiles);
  }

  private cleanUp(wroteFiles = false): void {
    if (this.createdDir) {
      try {
        if (readdirSync(join(this.path, '..')).length === 0) rmdirSync(join(this.path, '..'));
      } catch {
        // Holds the run's files now.
      }
    }
    // A run that wrote files changed the folders anyway; one that did not leaves their times as they were.
    if (wroteFiles) return;
    for (const [dir, st] of this.times) {
      try {
        utimesSync(dir, st.atimeMs / 1000, st.mtimeMs / 1000);
      } catch {
        // Removed meanwhile.
      }
    }
  }
}
