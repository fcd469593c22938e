/**
 * `django-docker doctor --build` on the real engine: a project whose failure the files cannot
 * show (a view imports a package the image never installs; Django imports it at the first
 * request) is caught and named under its catalogue rule; a good project gives nothing. Either
 * way nothing it started is left behind.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, repoRoot, run } from './harness.ts';

const cli = join(repoRoot, 'generators', 'cli.js');
const base = join(repoRoot, 'test', 'doctor-fixtures', '_base', 'web-postgres');
const MINUTE = 60_000;

function project(extra: Record<string, string> = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-doctor-build-e2e-')), 'project');
  mkdirSync(dir);
  cpSync(base, dir, { recursive: true });
  for (const [rel, text] of Object.entries(extra)) writeFileSync(join(dir, rel), text);
  return dir;
}

/** Everything a --build run might leave: containers, volumes, networks and images under its project prefix. */
async function leftovers(): Promise<string[]> {
  const out: string[] = [];
  for (const [what, args] of [
    ['container', ['ps', '--all', '--format', '{{.Names}}']],
    ['volume', ['volume', 'ls', '--format', '{{.Name}}']],
    ['network', ['network', 'ls', '--format', '{{.Name}}']],
    ['image', ['images', '--format', '{{.Repository}}']],
  ] as const) {
    const r = await docker([...args], MINUTE);
    for (const line of r.stdout.split('\n')) if (line.startsWith('ddoctor-')) out.push(`${what} ${line}`);
  }
  return out;
}

async function doctorBuild(dir: string): Promise<{ code: number | null; out: string; err: string }> {
  const r = await run(process.execPath, [cli, 'doctor', dir, '--build', '--format', 'json'], { timeoutMs: 12 * MINUTE });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('doctor --build on the engine', () => {
  afterAll(async () => {
    expect(await leftovers()).toEqual([]);
  });

  it(
    'finds the package a view imports and the image never installs, which no file check sees',
    async () => {
      const dir = project({
        'mysite/views.py': 'import markdown2  # not in requirements.txt\n\n\ndef home(request):\n    return markdown2.markdown("# hi")\n',
        'mysite/urls.py':
          'from django.http import HttpResponse\nfrom django.urls import path\n\nfrom . import views\n\nurlpatterns = [path("", views.home), path("healthz", lambda request: HttpResponse("ok"))]\n',
      });
      // The files alone say nothing is wrong.
      const files = await run(process.execPath, [cli, 'doctor', dir], { timeoutMs: MINUTE });
      expect(files.stdout).toMatch(/^doctor: no problems found/m);
      expect(files.code).toBe(0);

      const r = await doctorBuild(dir);
      expect(r.code, r.err).toBe(1);
      const findings = (JSON.parse(r.out) as { findings: Array<{ rule: string; severity: string; message: string }> }).findings;
      const engine = findings.filter((f) => f.message.startsWith('on the engine:'));
      expect(engine.map((f) => [f.rule, f.severity])).toEqual([['missing-python-dep', 'error']]);
      expect(engine[0]!.message).toContain("No module named 'markdown2'");
      expect(await leftovers()).toEqual([]);
    },
    15 * MINUTE,
  );

  it(
    'stays silent on a good project: it builds, starts, imports, passes check --deploy, gets healthy and answers /',
    async () => {
      const dir = project();
      const r = await run(process.execPath, [cli, 'doctor', dir, '--build'], { timeoutMs: 12 * MINUTE });
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual([
        expect.stringMatching(
          /^doctor: no problems found \(7 files checked; on the engine: built in \d+ s, started, settings import, check --deploy, GET \/ 404\)$/,
        ),
      ]);
      expect(await leftovers()).toEqual([]);
    },
    15 * MINUTE,
  );
});
