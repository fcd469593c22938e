/** The generator as users drive it: prompts, saved answers, re-runs, the bin's help and Yeoman's lookup. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnv } from 'yeoman-environment';
import helpers from 'yeoman-test';
import { describe, expect, it } from 'vitest';
import AppGenerator from '../../generators/app/index.ts';
import { QUESTIONS } from '../../generators/generate/answers.ts';
import { readTree } from '../support/scenarios.ts';

const generatorPath = fileURLToPath(new URL('../../generators/app/index.ts', import.meta.url));
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(packageRoot, 'generators/cli.js');

function freshDir(name = 'site'): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-gen-')), name);
  mkdirSync(dir);
  return dir;
}

function run(dir: string, options: Record<string, unknown>, answers: Record<string, unknown> = {}, env: Record<string, unknown> = {}) {
  return helpers
    .run<AppGenerator>(AppGenerator, { resolved: generatorPath, namespace: 'django-docker:app' }, env)
    .cd(dir)
    .withOptions(options as never)
    .withAnswers(answers);
}

describe('app generator', () => {
  it('asks what flags did not answer, and uses the answers', async () => {
    const dir = freshDir();
    await run(
      dir,
      { port: '9100' },
      { python: '3.12', database: 'postgres', user: 'svc', server: 'gunicorn', django: '5.2', projectName: 'shop' },
    );
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('FROM python:3.12-slim-trixie AS builder');
    expect(dockerfile).toContain('EXPOSE 9100');
    expect(dockerfile).toContain('--home-dir /home/svc');
    const saved = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-django-docker'];
    expect(saved).toMatchObject({ python: '3.12', database: 'postgres', port: 9100, user: 'svc', uid: 10001 });
  });

  it('a re-run takes saved answers; a flag changes one of them', async () => {
    const dir = freshDir();
    await run(dir, { yes: true, database: 'postgres', port: '9001' });
    await run(dir, { database: 'sqlite' }, {}, { force: true });
    const saved = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-django-docker'];
    expect(saved).toMatchObject({ database: 'sqlite', port: 9001 });
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).not.toContain('postgres');
  });

  it('a second run with the same answers changes no file (bytes and mtimes), .env and .yo-rc.json included', async () => {
    const dir = freshDir();
    await run(dir, { yes: true, database: 'postgres' });
    const before = readTree(dir);
    const mtimes = new Map([...before.keys()].map((rel) => [rel, statSync(join(dir, rel)).mtimeMs]));
    await new Promise((r) => setTimeout(r, 20));
    await run(dir, { yes: true }, {}, { force: false });
    expect(readTree(dir)).toEqual(before);
    for (const [rel, mtime] of mtimes) expect(statSync(join(dir, rel)).mtimeMs, rel).toBe(mtime);
  });
});

describe('django-docker bin', () => {
  it('--help lists every question as a flag', () => {
    const r = spawnSync('node', [cli, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const q of QUESTIONS) expect(r.stdout).toContain(q.switch ? `--${q.flag}, --no-${q.flag}` : `--${q.flag} <`);
    for (const flag of ['--yes', '--force', '--dry-run', '--ask']) expect(r.stdout).toContain(flag);
  });

  it('writes a project into an empty folder with --yes and no terminal', () => {
    const dir = freshDir('fresh');
    const r = spawnSync('node', [cli, dir, '--yes'], { encoding: 'utf8', input: '' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Django container setup for fresh: Python 3\.13, SQLite, gunicorn on port 8000, user app \(10001\)/);
    expect(Object.keys(Object.fromEntries(readTree(dir)))).toEqual(
      expect.arrayContaining(['Dockerfile', 'compose.yaml', 'fresh/settings_container.py', 'requirements.txt']),
    );
  });

  it('`django-docker kubernetes <folder>` writes k8s/ and saves the answer, like --kubernetes', () => {
    const dir = freshDir('kube');
    const r = spawnSync('node', [cli, 'kubernetes', dir, '--yes'], { encoding: 'utf8', input: '' });
    expect(r.status, r.stderr).toBe(0);
    const tree = readTree(dir);
    expect([...tree.keys()]).toEqual(expect.arrayContaining(['k8s/kustomization.yaml', 'k8s/web.yaml', 'k8s/.env']));
    expect(JSON.parse(tree.get('.yo-rc.json')!)['generator-django-docker'].kubernetes).toBe(true);
  });

  it('without a terminal and without --yes, a missing answer is an error, not a prompt', () => {
    const dir = freshDir('ask');
    const r = spawnSync('node', [cli, dir], { encoding: 'utf8', input: '' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^django-docker: no terminal to ask ".*": pass --yes/);
  });
});

describe('Yeoman lookup', () => {
  it('finds django-docker:app in an installed package, as `yo django-docker` does', async () => {
    // Installed, the package sits in node_modules/generator-django-docker; the namespace comes from that name.
    const project = mkdtempSync(join(tmpdir(), 'dd-lookup-'));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(packageRoot, join(project, 'node_modules', 'generator-django-docker'));
    const env = createEnv({ cwd: project });
    const found = await env.lookup({ npmPaths: [join(project, 'node_modules')] });
    expect(found.map((g) => g.namespace)).toContain('django-docker:app');
  });
});
