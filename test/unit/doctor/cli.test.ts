/**
 * `django-docker doctor`: exit codes (0 / 1 / 2 with one line), the three formats, colour only
 * on a terminal, the real bin, and `yo django-docker:doctor`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import helpers from 'yeoman-test';
import { ENGINE_RULES, RULES } from '../../../generators/doctor/catalogue.ts';
import { runDoctorCli } from '../../../generators/doctor/cli.ts';
import DoctorGenerator from '../../../generators/doctor/index.ts';
import { fixturesDir } from '../../support/doctor-fixtures.ts';

const clean = join(fixturesDir, '_base', 'web-postgres');
const faulty = join(fixturesDir, '_seed', '2-workdir-and-user');

async function run(args: string[], isTTY = false): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runDoctorCli(args, { out: (t) => (out += t), err: (t) => (err += t), isTTY });
  return { code, out, err };
}

describe('doctor CLI', () => {
  it('exit 0 and a one-line summary on a clean project', async () => {
    const r = await run([clean]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('doctor: no problems found (7 files checked)\n');
    expect(r.err).toBe('');
  });

  it('exit 1 with file:line: severity rule: message lines, summary last', async () => {
    const r = await run([faulty]);
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^[\w./-]+:\d+: (error|warning|info) [a-z0-9-]+: \S/);
    expect(lines).toContain(lines.find((l) => l.startsWith('Dockerfile:5: error workdir-copy-mismatch: ')));
    expect(lines.at(-1)).toMatch(/^doctor: 2 errors, 5 warnings, 0 infos \(\d+ files checked\)$/);
  });

  it('warnings alone exit 0', async () => {
    // The bad overlay of a warning-only rule is not a whole project; lay it over the base.
    const { materialise } = await import('../../support/doctor-fixtures.ts');
    const r = await run([materialise('python-unbuffered', 'bad')]);
    expect(r.out).toContain('warning python-unbuffered');
    expect(r.code).toBe(0);
  });

  it('colour only on a terminal', async () => {
    expect((await run([faulty], false)).out).not.toContain('\u001b[');
    expect((await run([faulty], true)).out).toContain('\u001b[31merror');
  });

  it('json: the documented fields, sorted by file, line, rule', async () => {
    const r = await run([faulty, '--format', 'json']);
    expect(r.code).toBe(1);
    const data = JSON.parse(r.out) as { findings: Array<Record<string, unknown>> };
    expect(Object.keys(data)).toEqual(['findings', 'suppressed']);
    for (const f of data.findings) expect(Object.keys(f)).toEqual(['rule', 'severity', 'file', 'line', 'message', 'fix']);
    const order = data.findings.map((f) => [f.file, f.line, f.rule] as [string, number, string]);
    const sorted = [...order].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2].localeCompare(b[2]));
    expect(order).toEqual(sorted);
    expect(data.findings.some((f) => f.rule === 'nonroot-write-denied' && f.file === 'Dockerfile' && f.line === 11)).toBe(true);
    // Stable: the same input gives the same bytes.
    expect((await run([faulty, '--format', 'json'])).out).toBe(r.out);
  });

  it('sarif: version 2.1.0, every rule with its help, results pointing at file and line', async () => {
    const r = await run([faulty, '--format=sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.out) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; help: { text: string }; defaultConfiguration: { level: string } }> } };
        results: Array<{
          ruleId: string;
          ruleIndex: number;
          level: string;
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
        }>;
      }>;
    };
    expect(sarif.version).toBe('2.1.0');
    const run0 = sarif.runs[0]!;
    expect(run0.tool.driver.rules.map((x) => x.id)).toEqual([...RULES, ...ENGINE_RULES].map((x) => x.id));
    for (const rule of run0.tool.driver.rules) expect(rule.help.text.length).toBeGreaterThan(40);
    const w = run0.results.find((x) => x.ruleId === 'workdir-copy-mismatch')!;
    expect(w.level).toBe('error');
    expect(run0.tool.driver.rules[w.ruleIndex]!.id).toBe('workdir-copy-mismatch');
    expect(w.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'Dockerfile', uriBaseId: '%SRCROOT%' },
      region: { startLine: 5 },
    });
    expect(run0.results.find((x) => x.ruleId === 'python-eol')!.level).toBe('warning');
  });

  it('exit 2 with one line: no such folder, no Django project, bad flags', async () => {
    const missing = await run([join(tmpdir(), 'no-such-folder-for-the-doctor')]);
    expect(missing.code).toBe(2);
    expect(missing.err.trimEnd().split('\n')).toHaveLength(1);
    expect(missing.out).toBe('');

    const empty = mkdtempSync(join(tmpdir(), 'doctor-empty-'));
    writeFileSync(join(empty, 'notes.txt'), 'not a project\n');
    const none = await run([empty]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^django-docker doctor: no Django project here: .*\n$/);

    for (const args of [
      [clean, '--format', 'xml'],
      [clean, '--bogus'],
      [clean, clean],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('--build without an engine: one line on stderr, exit 2', () => {
    const bin = fileURLToPath(new URL('../../../generators/cli.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'doctor', clean, '--build'], {
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^django-docker doctor --build: no Docker engine answers \(`docker info` failed\): .*\n$/);
    expect(r.stdout).toBe('');
  });

  it('the django-docker bin dispatches `doctor` (built output)', () => {
    const bin = fileURLToPath(new URL('../../../generators/cli.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'doctor', faulty, '--format', 'json'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as { findings: unknown[] }).findings.length).toBe(7);
    const ok = spawnSync(process.execPath, [bin, 'doctor', clean], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
  });

  it('yo django-docker:doctor runs the same check', async () => {
    const generatorPath = fileURLToPath(new URL('../../../generators/doctor/index.ts', import.meta.url));
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      const result = await helpers
        .run<DoctorGenerator>(DoctorGenerator, { resolved: generatorPath, namespace: 'django-docker:doctor' })
        .cd(faulty)
        .withOptions({ format: 'json' } as never);
      const gen = result.generator;
      expect(gen.status).toBe(1);
      expect((JSON.parse(gen.output) as { findings: unknown[] }).findings.length).toBe(7);
    } finally {
      process.stdout.write = write;
      process.exitCode = 0;
    }
  });
});
