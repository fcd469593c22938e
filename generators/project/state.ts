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
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const STATE_DIR = '.django-docker';
export const STATE_FILE = `${STATE_DIR}/state.json`;

export interface GeneratorState {
  /** Lines (or pyproject entries) the generator added to the requirements entry file. */
  addedRequirements: string[];
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

export function readState(root: string): GeneratorState {
  const file = join(root, STATE_FILE);
  if (!existsSync(file)) return { addedRequirements: [] };
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<GeneratorState>;
    return { addedRequirements: Array.isArray(data.addedRequirements) ? data.addedRequirements.map(String) : [] };
  } catch {
    return { addedRequirements: [] };
  }
}

export function renderState(state: GeneratorState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}
