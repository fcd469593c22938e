/**
 * The doctor's documentation stays true: docs/doctor.md lists every rule with its severity, and
 * the sample output in README.md is what the doctor prints for that fixture today.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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

  it('the CI snippet is a GitHub Actions job that runs the doctor to SARIF and uploads that file', () => {
    const doc = readFileSync(join(root, 'docs', 'doctor.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## In CI'));
    const block = /```yaml\n([\s\S]*?)\n```/.exec(section)![1]!;
    const job = parse(block) as {
      permissions: Record<string, string>;
      jobs: { doctor: { steps: Array<{ uses?: string; run?: string; with?: Record<string, string>; id?: string; if?: string }> } };
    };
    expect(job.permissions['security-events']).toBe('write');
    const steps = job.jobs.doctor.steps;
    const doctor = steps.find((s) => s.run?.includes('--format sarif'))!;
    const file = /> (\S+)$/.exec(doctor.run!)![1];
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(upload.with?.sarif_file).toBe(file);
    expect(upload.if).toBe('always()');
    // The step that fails the job runs after the upload, on the doctor step's outcome.
    expect(steps.indexOf(upload)).toBeLessThan(steps.findIndex((s) => s.if?.includes(`steps.${doctor.id}.outcome`)));
    expect(doctor.run).toMatch(/--package generator-django-docker django-docker doctor/);
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
