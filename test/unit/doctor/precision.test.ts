/**
 * An error only when the files prove the failure. Real-shape fixtures (test/doctor-fixtures/_real)
 * reproduce what public projects do and give exactly their planted errors (most give none);
 * every rule fixture's bad project errs only on the planted rule (and failures it names as
 * certain consequences), every fixed project on nothing.
 */
import { describe, expect, it } from 'vitest';
import { checkProject } from '../../../generators/doctor/doctor.ts';
import { fixtureRules, materialise, materialiseReal, readRealSpec, readSpec, realFixtures } from '../../support/doctor-fixtures.ts';

const key = (f: { rule: string; file: string; line: number }): string => `${f.rule} ${f.file}:${f.line}`;

describe('doctor precision on real shapes', () => {
  for (const name of realFixtures()) {
    it(`${name}: exactly the planted errors`, async () => {
      const spec = readRealSpec(name);
      const r = await checkProject(materialiseReal(name));
      const errors = r.findings.filter((f) => f.severity === 'error').map(key);
      expect(errors.sort(), spec.note).toEqual(spec.planted.map(key).sort());
      for (const e of spec.expect ?? [])
        expect(
          r.findings.filter((f) => key(f) === key(e)).map((f) => f.severity),
          key(e),
        ).toContain(e.severity);
    });
  }
});

describe('doctor precision on rule fixtures', () => {
  for (const rule of fixtureRules()) {
    it(`${rule}: the bad project errs only on what was planted, the fixed one not at all`, async () => {
      const spec = readSpec(rule);
      const allowed = new Set([rule, ...(spec.also ?? []).map((a) => a.rule)]);
      const bad = await checkProject(materialise(rule, 'bad'));
      expect(bad.findings.filter((f) => f.severity === 'error' && !allowed.has(f.rule)).map(key)).toEqual([]);
      for (const a of spec.also ?? []) expect(bad.findings.map(key)).toContain(key(a));
      const fixed = await checkProject(materialise(rule, 'fixed'));
      expect(fixed.findings.filter((f) => f.severity === 'error').map(key)).toEqual([]);
    });
  }
});
