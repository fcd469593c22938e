/**
 * File modes as git records them (`.git/index`, versions 2–4), so an exec bit that a Windows
 * checkout or an archive lost on disk can still be told from what the repository says.
 */
import { existsSync, statSync } from 'node:fs';
import { readBytesIfExists, readText } from '../common/read-file.ts';
import { dirname, join, relative, sep } from 'node:path';

export interface GitIndex {
  /** Repository top folder. */
  top: string;
  /** Mode (e.g. 0o100755) by path relative to the top, posix separators. */
  modes: Map<string, number>;
}

/** Find the repository that holds `dir` and read its index; undefined outside git or on a format we do not know. */
export function readGitIndex(dir: string): GitIndex | undefined {
  let top = dir;
  for (;;) {
    const git = join(top, '.git');
    if (existsSync(git)) {
      let gitDir = git;
      if (statSync(git).isFile()) {
        // Worktrees and submodules: `.git` is a file with `gitdir: <path>`.
        let line: string;
        try {
          line = readText(git, '.git', { maxBytes: 64 * 1024 }).trim();
        } catch {
          return undefined;
        }
        if (!line.startsWith('gitdir:')) return undefined;
        gitDir = join(top, line.slice('gitdir:'.length).trim());
      }
      const index = join(gitDir, 'index');
      if (!existsSync(index)) return { top, modes: new Map() };
      try {
        // The index of a large repository runs to tens of megabytes; a pipe or device is never read.
        const bytes = readBytesIfExists(index, '.git/index', { maxBytes: 512 * 1024 * 1024 });
        return { top, modes: bytes ? parseIndex(bytes) : new Map() };
      } catch {
        return undefined;
      }
    }
    const parent = dirname(top);
    if (parent === top) return undefined;
    top = parent;
  }
}

function parseIndex(buf: Buffer): Map<string, number> {
  const modes = new Map<string, number>();
  if (buf.toString('latin1', 0, 4) !== 'DIRC') throw new Error('not a git index');
  const version = buf.readUInt32BE(4);
  if (version < 2 || version > 4) throw new Error(`git index version ${version}`);
  const count = buf.readUInt32BE(8);
  let off = 12;
  let previous = '';
  for (let n = 0; n < count; n++) {
    const start = off;
    const mode = buf.readUInt32BE(start + 24);
    const flags = buf.readUInt16BE(start + 60);
    off = start + 62;
    if (version >= 3 && flags & 0x4000) off += 2;
    let path: string;
    if (version === 4) {
      // git's offset varint: each continuation adds one before shifting.
      let byte = buf[off++]!;
      let strip = byte & 0x7f;
      while (byte & 0x80) {
        byte = buf[off++]!;
        strip = ((strip + 1) << 7) | (byte & 0x7f);
      }
      const end = buf.indexOf(0, off);
      path = previous.slice(0, previous.length - strip) + buf.toString('utf8', off, end);
      off = end + 1;
    } else {
      const end = buf.indexOf(0, off);
      path = buf.toString('utf8', off, end);
      off = end + 1;
      // Entries are padded with NULs to a multiple of 8 bytes.
      while ((off - start) % 8 !== 0) off++;
    }
    modes.set(path, mode);
    previous = path;
  }
  return modes;
}

/** Mode git has for a file under `root`, if the file is tracked. */
export function gitMode(index: GitIndex | undefined, root: string, file: string): number | undefined {
  if (!index) return undefined;
  const rel = relative(index.top, join(root, file)).split(sep).join('/');
  return index.modes.get(rel);
}
