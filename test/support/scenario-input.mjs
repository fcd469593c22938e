// A scenario's input project: test/scenarios/<name>/input/, laid over the input of the scenario
// named in its base.json ({"extends": "<scenario>", "remove": ["file", ...]}), so variants of one
// project are not copies of it. Plain JavaScript, so the bench script can use it too.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const scenariosDir = fileURLToPath(new URL('../scenarios/', import.meta.url));

/** Copy the input of a scenario (or transition) folder into `dest`, bases first. */
export function copyScenarioInput(folder, dest) {
  const baseFile = join(folder, 'base.json');
  if (existsSync(baseFile)) {
    const base = JSON.parse(readFileSync(baseFile, 'utf8'));
    copyScenarioInput(join(scenariosDir, base.extends), dest);
    for (const path of base.remove ?? []) rmSync(join(dest, path), { recursive: true, force: true });
  }
  const input = join(folder, 'input');
  if (existsSync(input)) cpSync(input, dest, { recursive: true });
}
