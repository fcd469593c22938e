/**
 * All-or-nothing writes. A run stages every file, checks that each target can be written (inside
 * the project, a regular file or nothing, writable, enough space) before the first byte lands,
 * then commits in two steps:
 *   1. prepare: each new version goes to a temporary file next to its target (written, fsynced,
 *      its mode set) and each file about to be replaced gets a hard link as a backup;
 *   2. switch: every temporary file is renamed over its target, synchronously, so no signal
 *      handler can run in between.
 * A failure (or SIGINT/SIGTERM, seen between prepare steps) before the switch removes the
 * temporary files; a failure during the switch puts every backup back. Folders the run created
 * are removed again and the touched folders get their modification times back, so the project
 * is either unchanged or complete.
 */
import {
  accessSync,
  constants,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  closeSync,
  renameSync,
  rmdirSync,
  type Stats,
  statfsSync,
  statSync,
  unlinkSync,
  utimesSync,
  copyFileSync,
} from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.ts';
import { locateInside, type PathInfo } from './confine.ts';

export interface StagedWrite {
  /** Relative to the project root, posix separators. */
  rel: string;
  /** The new contents; null removes the file. */
  contents: Buffer | null;
  /** Permission bits to give the file; otherwise a replaced file keeps its own and a new one gets 0666 less the umask. */
  mode?: number;
}

/** Thrown when SIGINT/SIGTERM arrived before the switch: nothing was changed. */
export class Interrupted extends UsageError {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}: nothing was written`);
  }
}

interface Target {
  write: StagedWrite;
  info: PathInfo;
  /** The file it replaces. */
  old?: Stats;
  /** The nearest folder that exists: where space is counted and permissions checked. */
  existingDir: string;
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? '';
}

function why(err: unknown): string {
  const code = codeOf(err);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EDQUOT') return 'the disk quota is used up';
  if (code === 'ENOENT') return 'its folder cannot be created there';
  if (code === 'ENOTDIR') return 'a part of its path is a file, not a folder';
  return (err as Error).message.split('\n')[0]!;
}

function kB(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} kB`;
}

/**
 * Checks every target before anything is written; throws a one-line UsageError naming the
 * first that cannot be written. `space` is false for the early check, before contents are final.
 */
export function checkTargets(root: string, writes: readonly StagedWrite[], space = true): Target[] {
  const targets: Target[] = [];
  for (const write of writes) {
    const info = locateInside(root, write.rel, write.rel);
    if (info.kind === 'link') {
      throw new UsageError(
        `${write.rel} is a symbolic link: the generator never writes through links; replace it with the file itself, then run again`,
      );
    }
    if (info.kind === 'dir')
      throw new UsageError(`${write.rel} is a folder, but the generator writes a file there: move it away, then run again`);
    if (info.kind === 'other') {
      throw new UsageError(`${write.rel} is not a regular file (a device, pipe or socket): move it away, then run again`);
    }
    if (write.contents === null && info.kind === 'absent') continue;
    const existingDir = info.missingDirs.length > 0 ? dirname(info.missingDirs[0]!) : dirname(info.real);
    let old: Stats | undefined;
    try {
      accessSync(existingDir, constants.W_OK | constants.X_OK);
      if (info.kind === 'file') {
        old = lstatSync(info.real);
        accessSync(info.real, constants.W_OK);
      }
    } catch (err) {
      const what = info.kind === 'file' && old ? write.rel : `the folder of ${write.rel}`;
      throw new UsageError(`cannot write ${what}: ${why(err)}; fix the permissions (or move the file away), then run again`);
    }
    targets.push({ write, info, old, existingDir });
  }
  if (space) checkSpace(targets);
  return targets;
}

/** Enough free blocks and inodes on each file system for the new versions (the old ones stay until the switch). */
function checkSpace(targets: readonly Target[]): void {
  const byDevice = new Map<number, { dir: string; bytes: number; inodes: number; first: string }>();
  const dirsCounted = new Set<string>();
  for (const t of targets) {
    const dev = statSync(t.existingDir).dev;
    const entry = byDevice.get(dev) ?? { dir: t.existingDir, bytes: 0, inodes: 0, first: t.write.rel };
    if (t.write.contents === null) continue;
    entry.bytes += t.write.contents.length;
    entry.inodes += 1;
    for (const d of t.info.missingDirs) {
      if (dirsCounted.has(d)) continue;
      dirsCounted.add(d);
      entry.inodes += 1;
      entry.bytes += 4096;
    }
    byDevice.set(dev, entry);
  }
  for (const { dir, bytes, inodes, first } of byDevice.values()) {
    let fs;
    try {
      fs = statfsSync(dir);
    } catch {
      continue;
    }
    const block = fs.bsize || 4096;
    // Whole blocks per file, plus a little for directory entries.
    const needed = bytes + inodes * block + 4 * block;
    const free = fs.bavail * block;
    if (fs.blocks > 0 && needed > free) {
      throw new UsageError(
        `not enough space to write ${first} and the other files: about ${kB(needed)} needed, ${kB(free)} free; free some space, then run again`,
      );
    }
    if (fs.files > 0 && inodes > fs.ffree) {
      throw new UsageError(`no free inodes left to write ${first} and the other files: free some, then run again`);
    }
  }
}

interface Prepared {
  target: Target;
  temp: string;
  backup?: string;
  switched: boolean;
}

/** Put a folder's modification time back after entries were added and removed. */
function restoreTimes(times: Map<string, Stats>): void {
  for (const [dir, st] of times) {
    try {
      utimesSync(dir, st.atimeMs / 1000, st.mtimeMs / 1000);
    } catch {
      // The folder may be gone (one we created); nothing to restore then.
    }
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems do not fsync folders; the renames are still atomic.
  }
}

/**
 * Writes every staged file or none. `interrupted` is polled between prepare steps; when it
 * returns a signal name, the run stops and nothing is changed.
 */
export async function commitStaged(
  root: string,
  writes: readonly StagedWrite[],
  interrupted: () => string | undefined = () => undefined,
): Promise<void> {
  if (writes.length === 0) return;
  const targets = checkTargets(root, writes);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const createdDirs: string[] = [];
  const prepared: Prepared[] = [];
  // Folders whose entries change: their times are put back if the run does not complete.
  const dirTimes = new Map<string, Stats>();
  const remember = (dir: string): void => {
    if (!dirTimes.has(dir)) {
      try {
        dirTimes.set(dir, statSync(dir));
      } catch {
        // Created by this run.
      }
    }
  };
  const undo = (): void => {
    for (const p of [...prepared].reverse()) {
      try {
        if (p.target.write.contents === null) {
          if (p.switched) renameSync(p.backup!, p.target.info.real);
        } else if (p.switched) {
          if (p.backup) renameSync(p.backup, p.target.info.real);
          else unlinkSync(p.target.info.real);
        } else {
          unlinkSync(p.temp);
          if (p.backup) unlinkSync(p.backup);
        }
      } catch {
        // Best effort: keep restoring the others.
      }
    }
    for (const dir of [...createdDirs].reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        // Not empty: something else put a file there.
      }
    }
    restoreTimes(dirTimes);
  };

  const umask = process.umask();
  try {
    // 1. prepare
    for (const target of targets) {
      const signal = interrupted();
      if (signal) throw new Interrupted(signal);
      for (const dir of target.info.missingDirs) {
        if (createdDirs.includes(dir)) continue;
        remember(dirname(dir));
        try {
          await mkdir(dir);
        } catch (err) {
          if (codeOf(err) !== 'EEXIST') throw err;
          continue;
        }
        createdDirs.push(dir);
      }
      const dir = dirname(target.info.real);
      remember(dir);
      const temp = join(dir, `.${basename(target.info.real)}.${tag}.tmp`);
      const entry: Prepared = { target, temp, switched: false };
      if (target.write.contents === null) {
        // A removal: the file is moved aside at the switch and dropped at the end.
        if (target.old) prepared.push({ ...entry, backup: join(dir, `.${basename(target.info.real)}.${tag}.old`) });
        continue;
      }
      const handle = await open(temp, 'wx', 0o600);
      prepared.push(entry);
      try {
        await handle.writeFile(target.write.contents);
        const mode = target.write.mode ?? (target.old ? target.old.mode & 0o7777 : 0o666 & ~umask);
        await handle.chmod(mode);
        if (target.old && process.getuid?.() === 0 && (target.old.uid !== 0 || target.old.gid !== 0)) {
          // Run as root in someone's project: the new version keeps the owner of the old one.
          await handle.chown(target.old.uid, target.old.gid).catch(() => undefined);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (target.old) {
        const backup = join(dir, `.${basename(target.info.real)}.${tag}.old`);
        try {
          linkSync(target.info.real, backup);
        } catch {
          // No hard links on this file system: a copy with the same times serves as well.
          copyFileSync(target.info.real, backup);
          utimesSync(backup, target.old.atime, target.old.mtime);
        }
        entry.backup = backup;
      }
    }
    const signal = interrupted();
    if (signal) throw new Interrupted(signal);
    // 2. switch: synchronous, so a signal is handled before it starts or after it ends.
    for (const p of prepared) {
      if (p.target.write.contents === null) renameSync(p.target.info.real, p.backup!);
      else renameSync(p.temp, p.target.info.real);
      p.switched = true;
    }
  } catch (err) {
    undo();
    if (err instanceof UsageError) throw err;
    const failed = prepared.find((p) => !p.switched)?.target.write.rel ?? targets[0]!.write.rel;
    throw new UsageError(`could not write ${failed}: ${why(err)}; nothing was changed`);
  }
  // 3. make it durable, then drop the backups.
  for (const dir of new Set(prepared.map((p) => dirname(p.target.info.real)))) fsyncDir(dir);
  for (const p of prepared) {
    if (p.backup) {
      try {
        unlinkSync(p.backup);
      } catch {
        // A leftover backup is harmless; the next run ignores it.
      }
    }
  }
}
