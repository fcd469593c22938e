/**
 * A read-only view of a project folder, with caches: what the generator's detect and the
 * doctor's load both read through, so they skip the same folders and see the same files.
 */
import { readdirSync, statSync } from 'node:fs';
import { UsageError } from '../common/errors.ts';
import { decodePythonSource, decodeUtf8, readBytesIfExists } from '../common/read-file.ts';
import { join, posix } from 'node:path';
import { type GitIndex, readGitIndex } from './git-index.ts';
import { STATE_DIR } from './state.ts';

/** Folders that are never part of the project: virtualenvs, caches, build output, our own state. */
export const SKIP_DIRS = new Set([
  '.git',
  'node_modules',
  '.venv',
  'venv',
  'env',
  '.env',
  '__pycache__',
  '.tox',
  '.nox',
  'dist',
  'build',
  'staticfiles',
  'media',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  'site-packages',
  '.scratch',
  STATE_DIR,
]);

export class UnreadableFile extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`cannot read ${file}: ${reason}`);
  }
}

/** Read-only view of the checked folder, with caches. Paths are relative and posix. */
export class ProjectFiles {
  private texts = new Map<string, string | undefined>();
  private stats = new Map<string, 'file' | 'dir' | undefined>();
  private git: GitIndex | undefined | null = null;
  private listing: string[] | undefined;

  /** `above`: paths above the root may be read (the doctor follows compose's `build: {context: ..}`). */
  constructor(
    readonly root: string,
    private readonly options: { above?: boolean } = {},
  ) {}

  text(rel: string): string | undefined {
    const key = posix.normalize(rel);
    if (!this.texts.has(key)) {
      let t: string | undefined;
      if (this.kind(key) === 'file') {
        // Bounded, regular files only, and text as Python or a UTF-8 reader sees it (a bad byte is refused).
        const bytes = readBytesIfExists(join(this.root, key), key);
        if (bytes !== undefined) t = key.endsWith('.py') ? decodePythonSource(bytes, key) : decodeUtf8(bytes, key);
      }
      this.texts.set(key, t);
    }
    return this.texts.get(key);
  }

  kind(rel: string): 'file' | 'dir' | undefined {
    const key = posix.normalize(rel);
    if (key.startsWith('..') && !this.options.above) return undefined;
    if (!this.stats.has(key)) {
      let s;
      try {
        s = statSync(join(this.root, key));
      } catch {
        s = undefined;
      }
      const k = s?.isDirectory() ? 'dir' : s?.isFile() ? 'file' : undefined;
      // A pipe or a device where a project file is looked for is refused, never read (it could block or never end).
      if (s && k === undefined)
        throw new UsageError(`${key} is a named pipe, socket or device, not a file: replace it with a regular file`);
      this.stats.set(key, k);
    }
    return this.stats.get(key);
  }

  isFile(rel: string): boolean {
    return this.kind(rel) === 'file';
  }

  list(rel: string): string[] {
    try {
      return readdirSync(join(this.root, rel)).sort();
    } catch {
      return [];
    }
  }

  mode(rel: string): number | undefined {
    try {
      return statSync(join(this.root, rel)).mode;
    } catch {
      return undefined;
    }
  }

  gitIndex(): GitIndex | undefined {
    if (this.git === null) this.git = readGitIndex(this.root);
    return this.git;
  }

  /** Files of the project four levels deep (see listProjectFiles), read once. */
  all(): string[] {
    this.listing ??= listProjectFiles(this);
    return this.listing;
  }
}

/** Files under the root, a few levels deep, skipping virtualenvs and caches; sorted by name per folder. */
export function listProjectFiles(files: ProjectFiles, maxDepth = 4): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const name of files.list(dir || '.')) {
      const rel = dir ? `${dir}/${name}` : name;
      const k = files.kind(rel);
      if (k === 'dir') {
        if (!SKIP_DIRS.has(name) && depth < maxDepth) walk(rel, depth + 1);
      } else if (k === 'file') out.push(rel);
    }
  };
  walk('', 0);
  return out;
}
