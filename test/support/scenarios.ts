/**
 * Golden scenarios: test/scenarios/<name>/ holds `input/` (the project before the run; absent for
 * an empty folder), `answers.json` (the flags given) and `expected/` (the whole folder after the
 * run, `.env` aside because its secrets are fresh on every run).
 * Regenerate the expected folders with `npm run update-goldens` and review the diff.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import helpers from 'yeoman-test';
import AppGenerator from '../../generators/app/index.ts';
import { copyScenarioInput, scenariosDir } from './scenario-input.mjs';

export { copyScenarioInput, scenariosDir };

const generatorPath = fileURLToPath(new URL('../../generators/app/index.ts', import.meta.url));

export function scenarioNames(): string[] {
  return readdirSync(scenariosDir)
    .filter((n) => existsSync(join(scenariosDir, n, 'answers.json')))
    .sort();
}

export function readAnswers(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(scenariosDir, name, 'answers.json'), 'utf8')) as Record<string, unknown>;
}

/** Copy a scenario's input into a fresh folder. */
export function prepareScenario(name: string): string {
  // The folder is named after the scenario: the project name comes from it, and goldens must not vary.
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-')), name);
  mkdirSync(dir);
  copyScenarioInput(join(scenariosDir, name), dir);
  return dir;
}

/** Run the app generator in-process on a folder with the given flags. */
export async function runGenerator(dir: string, answers: Record<string, unknown>): Promise<void> {
  const { force, ...options } = answers;
  await helpers
    .run<AppGenerator>(
      AppGenerator,
      { resolved: generatorPath, namespace: 'django-docker:app' },
      { force: force === undefined ? true : Boolean(force) },
    )
    .cd(dir)
    // yeoman-test turns force on by default; an explicit force (false) must reach the generator.
    .withOptions((force === undefined ? options : { ...options, force: Boolean(force) }) as never);
}

/** Every file under a folder, relative, sorted; contents as text. */
export function readTree(dir: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      const rel = relative(dir, abs).split('\\').join('/');
      if (skip(rel)) continue;
      if (e.isDirectory()) walk(abs);
      else out.set(rel, readFileSync(abs, 'utf8'));
    }
  };
  walk(dir);
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

/** Generate every scenario once per test file. */
export async function generateAll(): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  for (const name of scenarioNames()) {
    const dir = prepareScenario(name);
    await runGenerator(dir, readAnswers(name));
    dirs.set(name, dir);
  }
  return dirs;
}
