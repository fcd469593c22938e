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
  /** Planted findings; `severity` when it is not the rule's own (a hazard the files cannot prove). */
  bad: Array<{ file: string; line: number; severity?: 'error' | 'warning' | 'info' }>;
  /** Other rules' findings the bad variant rightly gives too (a failure with two consequences). */
  also?: Array<{ rule: string; file: string; line: number }>;
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

/**
 * Real-shape fixtures: test/doctor-fixtures/_real/<name>/ holds `fixture.json`
 * ({ base?, note, planted: [{rule, file, line}], expect?: [{rule, file, line, severity}],
 * delete?: [], check?: subfolder }) and `project/`, laid over the base. Each reproduces a shape
 * public projects use; the doctor must report exactly the planted errors.
 */
export interface RealSpec {
  base?: string;
  note: string;
  planted: Array<{ rule: string; file: string; line: number }>;
  expect?: Array<{ rule: string; file: string; line: number; severity: 'error' | 'warning' | 'info' }>;
  delete?: string[];
  check?: string;
}

export function realFixtures(): string[] {
  const dir = join(fixturesDir, '_real');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => existsSync(join(dir, n, 'fixture.json')))
        .sort()
    : [];
}

export function readRealSpec(name: string): RealSpec {
  return JSON.parse(readFileSync(join(fixturesDir, '_real', name, 'fixture.json'), 'utf8')) as RealSpec;
}

/** Lay a real-shape fixture into a fresh folder; returns the folder to check. */
export function materialiseReal(name: string): string {
  const spec = readRealSpec(name);
  const dir = join(mkdtempSync(join(tmpdir(), 'doctor-real-')), 'project');
  mkdirSync(dir);
  if (spec.base) cpSync(join(fixturesDir, '_base', spec.base), dir, { recursive: true });
  for (const f of spec.delete ?? []) rmSync(join(dir, f), { recursive: true, force: true });
  cpSync(join(fixturesDir, '_real', name, 'project'), dir, { recursive: true });
  return spec.check ? join(dir, spec.check) : dir;
}
