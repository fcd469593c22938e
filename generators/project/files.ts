/**
 * A read-only view of a project folder, with caches: what the generator's detect and the
 * doctor's load both read through, so they skip the same folders and see the same files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
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
        try {
          t = readFileSync(join(this.root, key), 'utf8');
        } catch (err) {
          throw new UnreadableFile(key, (err as Error).message);
        }
      }
      this.texts.set(key, t);
    }
    return this.texts.get(key);
  }

  kind(rel: string): 'file' | 'dir' | undefined {
    const key = posix.normalize(rel);
    if (key.startsWith('..') && !this.options.above) return undefined;
    if (!this.stats.has(key)) {
      let k: 'file' | 'dir' | undefined;
      try {
        const s = statSync(join(this.root, key));
        k = s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
      } catch {
        k = undefined;
      }
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
