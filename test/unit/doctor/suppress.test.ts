/**
 * Suppressions as hadolint has them: a comment on the finding's line or the line above, a
 * file-level comment among the first lines, and the "ignore" list of django-docker.config.json.
 * Suppressed findings leave the text and the exit status, and stay in JSON and SARIF.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProject } from '../../../generators/doctor/doctor.ts';
import { runDoctorCli } from '../../../generators/doctor/cli.ts';
import { validateOrgConfig } from '../../../generators/generate/org-config.ts';
import { materialise } from '../../support/doctor-fixtures.ts';

const home = mkdtempSync(join(tmpdir(), 'doctor-home-'));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runDoctorCli(args, { out: (t) => (out += t), err: (t) => (err += t), isTTY: false });
  return { code, out, err };
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
}

describe('doctor suppressions', () => {
  it('a comment on the line above or on the line itself suppresses that rule there, and only there', async () => {
    const dir = materialise('env-file-missing', 'bad');
    const before = await checkProject(dir, { home });
    expect(before.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.file}:${f.line}`)).toEqual([
      'env-file-missing compose.yaml:6',
    ]);
    edit(dir, 'compose.yaml', (t) =>
      t.replace('    env_file: .env\n', '    env_file: .env  # django-docker: ignore=env-file-missing CI writes .env before up\n'),
    );
    const after = await checkProject(dir, { home });
    expect(after.findings.filter((f) => f.rule === 'env-file-missing')).toEqual([]);
    expect(after.suppressed.map((f) => [f.rule, f.line, f.suppression])).toEqual([
      ['env-file-missing', 6, { kind: 'inSource', reason: 'CI writes .env before up', where: 'compose.yaml:6' }],
    ]);
    expect(after.counts).toMatchObject({ error: 0, suppressed: 1 });

    const text = await cli([dir]);
    expect(text.code).toBe(0);
    expect(text.out).not.toContain('env-file-missing');
    expect(text.out.trimEnd().split('\n').at(-1)).toMatch(/^doctor: .*1 suppressed/);

    const json = JSON.parse((await cli([dir, '--format', 'json'])).out) as { suppressed: Array<{ rule: string }> };
    expect(json.suppressed.map((f) => f.rule)).toEqual(['env-file-missing']);

    const sarif = JSON.parse((await cli([dir, '--format', 'sarif'])).out) as {
      runs: Array<{ results: Array<{ ruleId: string; suppressions?: Array<{ kind: string; justification?: string }> }> }>;
    };
    const result = sarif.runs[0]!.results.find((r) => r.ruleId === 'env-file-missing')!;
    expect(result.suppressions).toEqual([expect.objectContaining({ kind: 'inSource', justification: 'CI writes .env before up' })]);
    expect(sarif.runs[0]!.results.filter((r) => r.ruleId !== 'env-file-missing').every((r) => r.suppressions === undefined)).toBe(true);
  });

  it('the line form on the line above a Dockerfile instruction, with two rules', async () => {
    const dir = materialise('workdir-copy-mismatch', 'bad');
    edit(dir, 'Dockerfile', (t) =>
      t.replace('COPY . /app\n', '# django-docker: ignore=dockerignore-missing,workdir-copy-mismatch moved later\nCOPY . /app\n'),
    );
    const r = await checkProject(dir, { home });
    expect(r.suppressed.map((f) => `${f.rule} ${f.file}:${f.line}`)).toEqual(['workdir-copy-mismatch Dockerfile:22']);
    expect(r.counts.error).toBe(0);
  });

  it('a file-level comment among the first lines suppresses the rule in the whole file', async () => {
    const dir = materialise('secret-key-missing', 'bad');
    expect((await checkProject(dir, { home })).counts.error).toBe(1);
    edit(
      dir,
      'mysite/settings.py',
      (t) => `# Settings.\n# django-docker: ignore-file=secret-key-missing the platform injects secrets\n${t}`,
    );
    const r = await checkProject(dir, { home });
    expect(r.counts).toMatchObject({ error: 0, suppressed: 1 });
    expect(r.suppressed[0]!.suppression).toEqual({
      kind: 'inSource',
      reason: 'the platform injects secrets',
      where: 'mysite/settings.py:2',
    });
    // Below the first code line it is not file-level.
    const late = materialise('secret-key-missing', 'bad');
    edit(late, 'mysite/settings.py', (t) => `${t}\n# django-docker: ignore-file=secret-key-missing too late\n`);
    expect((await checkProject(late, { home })).counts.error).toBe(1);
  });

  it('the ignore list of django-docker.config.json, by rule or by rule and file glob, in the project or the home folder', async () => {
    const dir = materialise('env-file-missing', 'bad');
    writeFileSync(
      join(dir, 'django-docker.config.json'),
      JSON.stringify({
        ignore: [{ rule: 'env-file-missing', file: 'compose*.yaml', reason: 'made by the deploy job' }, 'python-unbuffered'],
      }),
    );
    const r = await checkProject(dir, { home });
    expect(r.suppressed.map((f) => [f.rule, f.suppression.kind, f.suppression.where])).toEqual([
      ['env-file-missing', 'external', 'django-docker.config.json'],
    ]);
    const other = materialise('env-file-missing', 'bad');
    writeFileSync(join(other, 'django-docker.config.json'), JSON.stringify({ ignore: [{ rule: 'env-file-missing', file: 'other.yaml' }] }));
    expect((await checkProject(other, { home })).counts.error).toBe(1);
    const homeDir = mkdtempSync(join(tmpdir(), 'doctor-home-'));
    writeFileSync(join(homeDir, 'django-docker.config.json'), JSON.stringify({ ignore: ['env-file-missing'] }));
    expect((await checkProject(materialise('env-file-missing', 'bad'), { home: homeDir })).counts).toMatchObject({
      error: 0,
      suppressed: 1,
    });
  });

  it('a bad ignore list is one line and exit 2; the generator accepts the key', async () => {
    const dir = materialise('env-file-missing', 'bad');
    writeFileSync(join(dir, 'django-docker.config.json'), JSON.stringify({ ignore: ['env-file-mising'] }));
    const r = await cli([dir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^django-docker doctor: django-docker\.config\.json: "ignore" names "env-file-mising", which is not a doctor rule id/,
    );
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(validateOrgConfig({ ignore: ['python-unbuffered'], registry: 'r.example.com/' }, 'django-docker.config.json', dir)).toEqual({
      registry: 'r.example.com/',
    });
  });
});
