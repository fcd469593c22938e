/**
 * What the generator remembers between runs, in a folder of its own at the project root
 * (commit it with the project, so whoever runs the generator next merges against the same base):
 *   .django-docker/base/<path>   the last generated version of each file the generator lays out
 *                                whole (Dockerfile, compose.yaml, the container settings,
 *                                .env.example, the entrypoint, README.Docker.md): the merge base
 *                                that lets a re-run keep the user's edits (three-way merge)
 *   .django-docker/state.json    the requirement lines the generator added and manages, so a
 *                                re-run changes exactly those (requirements are merged by package,
 *                                not by line, and have no merge base)
 * Nothing else: the state file is not a merge base of itself.
 */
import { existsSync, readdirSync } from 'node:fs';
import { UsageError } from '../common/errors.ts';
import { readTextIfExists } from '../common/read-file.ts';
import { join, relative } from 'node:path';

export const STATE_DIR = '.django-docker';
export const STATE_FILE = `${STATE_DIR}/state.json`;

export interface GeneratorState {
  /** Lines (or pyproject entries) the generator added to the requirements entry file. */
  addedRequirements: string[];
  /** The project's own compose file, with the services and volumes the generator put into it. */
  compose?: { file: string; services: string[]; volumes: string[] };
}

export function basePath(path: string): string {
  return `${STATE_DIR}/base/${path}`;
}

/** Paths (relative to the project, posix) of the files that have a merge base on disk. */
export function storedBases(root: string): string[] {
  const dir = join(root, STATE_DIR, 'base');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

/**
 * What earlier runs added. A state file that cannot be read is refused, not taken as empty: the
 * generator would take its own lines for the user's (an "overlap"), and --force would forget them.
 */
export function readState(root: string): GeneratorState {
  const text = readTextIfExists(join(root, STATE_FILE), STATE_FILE, { maxBytes: 1024 * 1024, noFollow: true });
  if (text === undefined) return { addedRequirements: [] };
  const fix =
    'it records what the generator added to the requirements; restore it (git checkout -- .django-docker/state.json), or delete it to treat those lines as yours, then run again';
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${STATE_FILE} is not valid JSON (${(err as Error).message.split('\n')[0]}): ${fix}`);
  }
  const added = (data as Partial<GeneratorState> | null)?.addedRequirements;
  if (
    !data ||
    typeof data !== 'object' ||
    Array.isArray(data) ||
    (added !== undefined && !(Array.isArray(added) && added.every((a) => typeof a === 'string')))
  ) {
    throw new UsageError(`${STATE_FILE} does not hold {"addedRequirements": [...]}: ${fix}`);
  }
  // The project's own compose file, as an earlier run merged services into it; ignored when malformed.
  const compose = (data as { compose?: { file?: unknown; services?: unknown; volumes?: unknown } }).compose;
  const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    addedRequirements: added ?? [],
    ...(compose && typeof compose.file === 'string'
      ? { compose: { file: compose.file, services: names(compose.services), volumes: names(compose.volumes) } }
      : {}),
  };
}

export function renderState(state: GeneratorState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}
