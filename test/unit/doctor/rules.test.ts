/**
 * Each rule's fixture: the bad project gives exactly the listed findings of that rule (file and
 * line), the fixed one none. The clean base project gives no finding at all.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../generators/doctor/catalogue.ts';
import { CHECKS, checkProject } from '../../../generators/doctor/doctor.ts';
import { fixtureRules, fixturesDir, materialise, readSpec } from '../../support/doctor-fixtures.ts';

const byPlace = (a: { file: string; line: number }, b: { file: string; line: number }): number =>
  a.file.localeCompare(b.file) || a.line - b.line;

describe('doctor rule fixtures', () => {
  it('the clean base project has no finding at all', async () => {
    const result = await checkProject(join(fixturesDir, '_base', 'web-postgres'));
    expect(result.findings).toEqual([]);
  });

  it('every catalogue rule has a check and a fixture', () => {
    const fixtures = new Set(fixtureRules());
    for (const rule of RULES) {
      expect(fixtures.has(rule.id), `fixture for ${rule.id}`).toBe(true);
      if (rule.id !== 'parse-error') expect(CHECKS.has(rule.id), `check for ${rule.id}`).toBe(true);
    }
    for (const id of CHECKS.keys())
      expect(
        RULES.some((r) => r.id === id),
        `catalogue entry for ${id}`,
      ).toBe(true);
  });

  for (const rule of fixtureRules()) {
    it(`${rule}: bad reports it at the expected lines, fixed does not`, async () => {
      const spec = readSpec(rule);
      expect(spec.bad.length, 'fixture lists at least one expected finding').toBeGreaterThan(0);
      const bad = await checkProject(materialise(rule, 'bad'));
      const got = bad.findings.filter((f) => f.rule === rule).map((f) => ({ file: f.file, line: f.line }));
      expect(got.sort(byPlace)).toEqual(spec.bad.map((b) => ({ file: b.file, line: b.line })).sort(byPlace));
      // Each planted finding has the certainty the fixture names (the rule's own severity by default).
      const info = RULES.find((r) => r.id === rule)!;
      for (const b of spec.bad) {
        const here = bad.findings.filter((f) => f.rule === rule && f.file === b.file && f.line === b.line).map((f) => f.severity);
        expect(here, `${b.file}:${b.line}`).toContain(b.severity ?? info.severity);
      }
      for (const f of bad.findings) {
        expect(f.message.length).toBeGreaterThan(10);
        expect(f.fix.length).toBeGreaterThan(5);
      }
      const fixed = await checkProject(materialise(rule, 'fixed'));
      expect(fixed.findings.filter((f) => f.rule === rule)).toEqual([]);
    });
  }
});
