/**
 * Issue: a project generated with sqlite, edited by hand in three places, then regenerated with
 * postgres keeps all three edits and, on the real engine, builds, migrates and serves.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, http, removeDir, repoRoot, run, Stack } from './harness.ts';

const MIN = 60_000;
const cli = join(repoRoot, 'generators', 'cli.js');

function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}: update this test`);
  writeFileSync(path, text.replace(from, to));
}

describe('regenerated sqlite → postgres with three hand edits', () => {
  let root: string;
  let dir: string;
  let stack: Stack;
  let regen: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dd-e2e-regen-'));
    dir = join(root, 'regen');
    mkdirSync(dir);
    const first = await run(process.execPath, [cli, dir, '--yes', '--project-name', 'site1'], { timeoutMs: MIN });
    if (first.code !== 0) throw new Error(describeRun('first run', first));
    edit(dir, 'Dockerfile', 'FROM python:3.13-slim-trixie\n', 'FROM python:3.13-slim-trixie\nLABEL org.example.team="web"\n');
    edit(
      dir,
      'compose.yaml',
      'keeps them.\n',
      'keeps them.\n  sidecar:\n    image: python:3.13-slim-trixie\n    command: ["sleep", "infinity"]\n    init: true\n',
    );
    edit(dir, 'site1/settings_container.py', '# Everything to stdout/stderr', '# Our log shipper reads stdout');
    regen = await run(process.execPath, [cli, dir, '--database', 'postgres'], { timeoutMs: MIN });
    stack = new Stack(dir, 'regen', 8000);
  }, 3 * MIN);

  afterAll(async () => {
    await stack?.destroy();
    removeDir(root);
  }, 5 * MIN);

  it('the re-run merges without conflict and keeps the three edits', () => {
    expect(regen.code, regen.stderr).toBe(0);
    expect(regen.stderr).toContain('Changed: database sqlite → postgres');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('LABEL org.example.team="web"');
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toContain('sidecar:');
    expect(readFileSync(join(dir, 'site1/settings_container.py'), 'utf8')).toContain('# Our log shipper reads stdout');
  });

  it(
    'builds, migrates against postgres and serves through the published port',
    async () => {
      const up = await stack.up();
      expect(up.code, describeRun('compose up', up) + (await stack.logs())).toBe(0);
      const url = await stack.url();
      expect(url).toBeDefined();
      expect((await http(`${url}/`)).status).toBe(200);
      expect((await http(`${url}/admin/login/`)).status).toBe(200);
      const migrations = await stack.exec(['python', 'manage.py', 'showmigrations', '--plan']);
      expect(migrations.code, describeRun('showmigrations', migrations)).toBe(0);
      expect(migrations.stdout).toContain('[X]  auth.0001_initial');
      expect(migrations.stdout).not.toContain('[ ]');
      const engine = await stack.exec([
        'python',
        '-c',
        'import django; django.setup(); from django.db import connection; print(connection.vendor)',
      ]);
      expect(engine.stdout.trim()).toBe('postgresql');
      const label = await run(
        'docker',
        ['inspect', '--format', '{{ index .Config.Labels "org.example.team" }}', (await stack.state())!.image],
        { timeoutMs: MIN },
      );
      expect(label.stdout.trim()).toBe('web');
    },
    10 * MIN,
  );
});
