/**
 * Doctor rule fixtures: test/doctor-fixtures/<rule-id>/ holds `fixture.json`
 * ({ base, bad: [{file, line}], delete?: {bad?: [], fixed?: []} }) and two overlays, `bad/` and
 * `fixed/`, laid over test/doctor-fixtures/_base/<base>/. The bad project must give exactly the
 * listed findings of that rule; the fixed one none of it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixturesDir = fileURLToPath(new URL('../doctor-fixtures/', import.meta.url));

export interface FixtureSpec {
  base?: string;
  bad: Array<{ file: string; line: number }>;
  delete?: { bad?: string[]; fixed?: string[] };
  /** What the fixture shows, for readers. */
  note?: string;
}

export function fixtureRules(): string[] {
  return readdirSync(fixturesDir)
    .filter((n) => !n.startsWith('_') && existsSync(join(fixturesDir, n, 'fixture.json')))
    .sort();
}

export function readSpec(rule: string): FixtureSpec {
  return JSON.parse(readFileSync(join(fixturesDir, rule, 'fixture.json'), 'utf8')) as FixtureSpec;
}

/** Lay base + overlay into a fresh folder and return it. */
export function materialise(rule: string, variant: 'bad' | 'fixed'): string {
  const spec = readSpec(rule);
  const dir = join(mkdtempSync(join(tmpdir(), 'doctor-')), 'project');
  mkdirSync(dir);
  if (spec.base) cpSync(join(fixturesDir, '_base', spec.base), dir, { recursive: true });
  const overlay = join(fixturesDir, rule, variant);
  if (existsSync(overlay)) cpSync(overlay, dir, { recursive: true });
  for (const f of spec.delete?.[variant] ?? []) rmSync(join(dir, f), { recursive: true, force: true });
  return dir;
}
