/**
 * The doctor's documentation stays true: docs/doctor.md lists every rule with its severity, and
 * the sample output in README.md is what the doctor prints for that fixture today.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../generators/doctor/catalogue.ts';
import { checkProject } from '../../../generators/doctor/doctor.ts';
import { formatText } from '../../../generators/doctor/format.ts';
import { fixturesDir } from '../../support/doctor-fixtures.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SEV = { error: 'E', warning: 'W', info: 'I' } as const;

describe('doctor docs', () => {
  it('docs/doctor.md has a row for every rule with its severity', () => {
    const doc = readFileSync(join(root, 'docs', 'doctor.md'), 'utf8');
    for (const r of RULES) expect(doc, r.id).toContain(`| \`${r.id}\` | ${SEV[r.severity]} |`);
  });

  it('README.md ends with a doctor section whose sample is real output', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.lastIndexOf('\n## doctor\n'));
    expect(section.length).toBeGreaterThan(100);
    expect(section).toContain('docs/doctor.md');
    const sample = section.slice(
      section.indexOf('$ django-docker doctor .\n') + '$ django-docker doctor .\n'.length,
      section.indexOf('\n```', section.indexOf('$ django-docker doctor .')),
    );
    const actual = formatText(await checkProject(join(fixturesDir, '_seed', '2-workdir-and-user')), false);
    expect(`${sample}\n`).toBe(actual);
  });
});
