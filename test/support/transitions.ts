/**
 * Transition goldens: test/transitions/<name>/ holds from.json and to.json (the flags of two
 * runs), an optional input/ (or base.json naming a scenario), and expected.diff (what the second
 * run changes, `.env` and the merge bases aside).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPatch, createTwoFilesPatch, parsePatch } from 'diff';
import { copyScenarioInput, readTree, runGenerator } from './scenarios.ts';

export const transitionsDir = fileURLToPath(new URL('../transitions/', import.meta.url));

export function transitionNames(): string[] {
  return readdirSync(transitionsDir).sort();
}

// .env and k8s/.env hold fresh secrets.
export const ignoredInDiff = (rel: string): boolean => rel === '.env' || rel === 'k8s/.env' || rel.startsWith('.django-docker/base/');

export function readFlags(name: string, which: 'from' | 'to'): Record<string, unknown> {
  return JSON.parse(readFileSync(join(transitionsDir, name, `${which}.json`), 'utf8')) as Record<string, unknown>;
}

/** The project after the first run of a transition, in a fresh folder named `site`. */
export async function runFrom(name: string): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-tr-')), 'site');
  mkdirSync(dir);
  copyScenarioInput(join(transitionsDir, name), dir);
  await runGenerator(dir, readFlags(name, 'from'));
  return dir;
}

export function treeDiff(before: Map<string, string>, after: Map<string, string>): string {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths
    .filter((p) => before.get(p) !== after.get(p))
    .map((p) =>
      createTwoFilesPatch(`a/${p}`, `b/${p}`, before.get(p) ?? '', after.get(p) ?? '', '', '', { context: 2 })
        .split('\n')
        .slice(1)
        .join('\n'),
    )
    .join('');
}

/** A tree with a treeDiff applied; throws when a hunk does not apply. */
export function applyTreeDiff(before: ReadonlyMap<string, string>, diff: string): Map<string, string> {
  const after = new Map(before);
  for (const patch of parsePatch(diff)) {
    const path = (patch.newFileName ?? '').replace(/^b\//, '');
    const text = applyPatch(before.get(path) ?? '', patch);
    if (text === false) throw new Error(`the diff for ${path} does not apply`);
    after.set(path, text);
  }
  return after;
}

export { readTree };
