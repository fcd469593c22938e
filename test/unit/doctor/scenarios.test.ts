/**
 * Every scenario the generator writes comes out of the doctor with no error and no warning.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../../generators/doctor/doctor.ts';
import { generateAll, scenarioNames } from '../../support/scenarios.ts';

describe('generated scenarios are clean', () => {
  let dirs: Map<string, string>;
  beforeAll(async () => {
    dirs = await generateAll();
  });
  for (const name of scenarioNames()) {
    it(`${name}: no error, no warning`, async () => {
      const result = await checkProject(dirs.get(name)!);
      const serious = result.findings
        .filter((f) => f.severity !== 'info')
        .map((f) => `${f.file}:${f.line}: ${f.severity} ${f.rule}: ${f.message}`);
      expect(serious).toEqual([]);
      expect(result.checked).toContain('Dockerfile');
    });
  }
});
