/**
 * What the generator remembers between runs, in a folder of its own at the project root
 * (commit it with the project):
 *   .django-docker/base/<path>   the last generated version of each file: the merge base that lets
 *                                a re-run keep the user's edits (three-way merge)
 *   .django-docker/state.json    the requirement lines it added, so a re-run can swap them
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const STATE_DIR = '.django-docker';
export const STATE_FILE = `${STATE_DIR}/state.json`;

export interface GeneratorState {
  /** Lines (or pyproject entries) the generator added to the requirements entry file. */
  addedRequirements: string[];
}

export function basePath(path: string): string {
  return `${STATE_DIR}/base/${path}`;
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
