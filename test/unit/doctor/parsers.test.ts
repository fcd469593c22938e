/**
 * The parsers under the doctor: shell words, .dockerignore matching, compose interpolation and
 * .env files, the Dockerfile model, the settings evaluator, nginx directives, git's index.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCompose } from '../../../generators/doctor/parse/compose-model.ts';
import { readDockerfile } from '../../../generators/doctor/parse/dockerfile-model.ts';
import { parseDockerIgnore } from '../../../generators/doctor/parse/dockerignore.ts';
import { interpolate, parseDotEnv } from '../../../generators/project/dotenv.ts';
import { gitMode, readGitIndex } from '../../../generators/project/git-index.ts';
import { parseNginx } from '../../../generators/doctor/parse/nginx-conf.ts';
import { evaluateModule, type Val } from '../../../generators/project/python-eval.ts';
import { expandVariables, splitCommands } from '../../../generators/doctor/parse/shell-words.ts';

describe('shell words', () => {
  it('splits commands at operators, keeps quoted words whole, skips comments and here-documents', () => {
    const cmds = splitCommands(
      'set -e # strict\nif [ "$X" = 1 ]; then\n  echo "a b" && cat <<EOF\nbody; not a command\nEOF\nfi\nexec "$@"\n',
    );
    expect(cmds.map((c) => [c.words.map((w) => w.text).join('|'), c.depth])).toEqual([
      ['set|-e', 0],
      ['if|[|$X|=|1|]', 0],
      ['echo|a b', 1],
      ['cat', 1],
      ['exec|$@', 0],
    ]);
  });
  it('expands ${X:-default} and leaves unknown variables undecided', () => {
    expect(expandVariables('0.0.0.0:${PORT:-8000}', new Map())).toBe('0.0.0.0:8000');
    expect(expandVariables('0.0.0.0:$PORT', new Map([['PORT', '9000']]))).toBe('0.0.0.0:9000');
    expect(expandVariables('$NOPE', new Map())).toBeUndefined();
  });
});

describe('.dockerignore', () => {
  it('anchors at the context root, lets ** span folders, and the last match wins', () => {
    const ig = parseDockerIgnore('# c\n*.txt\n!requirements.txt\n**/__pycache__\nsecrets/\n');
    expect(ig.ignores('notes.txt')).toBe(true);
    expect(ig.ignores('requirements.txt')).toBe(false);
    expect(ig.ignores('docs/notes.txt')).toBe(false);
    expect(ig.ignores('a/b/__pycache__/x.pyc')).toBe(true);
    expect(ig.ignores('secrets/key.pem')).toBe(true);
    expect(ig.decidingPattern('notes.txt')?.line).toBe(2);
  });

  it('takes regular-expression characters literally, as Docker does', () => {
    const ig = parseDockerIgnore('*.c++\n(old)\na|b\nv{1}\n');
    expect(ig.ignores('main.c++')).toBe(true);
    expect(ig.ignores('main.cc')).toBe(false);
    expect(ig.ignores('(old)/x')).toBe(true);
    expect(ig.ignores('a|b')).toBe(true);
    expect(ig.ignores('abs')).toBe(false);
    expect(ig.ignores('v{1}')).toBe(true);
    expect(ig.ignores('v')).toBe(false);
  });
});

describe('compose interpolation and .env', () => {
  it('follows compose: $$ is literal, :- defaults, :? is required, unset names become empty', () => {
    const vars = new Map([['A', 'x']]);
    expect(interpolate('$$A-${A}-${B:-d}', vars)).toEqual({ ok: true, value: '$A-x-d', blank: [], required: [], unknown: false });
    expect(interpolate('p$wd', vars)).toMatchObject({ ok: true, value: 'p', blank: ['wd'] });
    expect(interpolate('${B:?set B}', vars)).toMatchObject({ ok: true, required: ['B'], unknown: true });
    expect(interpolate('${B', vars).ok).toBe(false);
  });
  it('reads quoted, unquoted and commented values with their lines', () => {
    const env = parseDotEnv('# c\nA=1 # note\nexport B="two words"\nC=\'$lit\'\nbad line\n');
    expect(env.entries.map((e) => [e.name, e.value, e.line, e.quote])).toEqual([
      ['A', '1', 2, ''],
      ['B', 'two words', 3, '"'],
      ['C', '$lit', 4, "'"],
    ]);
    expect(env.errors.map((e) => e.line)).toEqual([5]);
  });
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-parse-'));
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(dir, rel), text);
  return dir;
}

describe('compose model', () => {
  it('resolves anchors and merge keys; own keys win, merged values keep the anchor lines', () => {
    const dir = folder({
      'compose.yaml': [
        'x-common: &common',
        '  env_file: .env',
        '  environment: &env',
        '    DB_HOST: db',
        '  restart: always',
        'services:',
        '  web:',
        '    <<: *common',
        '    build: .',
        '  worker:',
        '    <<: [*common]',
        '    environment: *env',
        '    command: celery',
        '  db:',
        '    image: postgres:17',
        '',
      ].join('\n'),
      '.env.example': 'SECRET=change-me\n',
    });
    const model = readCompose(dir)!;
    const web = model.services.get('web')!;
    expect(web.build?.context).toBe('.');
    expect(web.environment.get('DB_HOST')).toMatchObject({ value: 'db', line: 4 });
    expect(web.envFiles).toEqual([expect.objectContaining({ value: '.env', exists: false, example: '.env.example', line: 2 })]);
    // The example's variables are provided, with values only the user knows.
    expect(web.environment.get('SECRET')).toMatchObject({ fromExample: '.env.example' });
    expect(web.environment.get('SECRET')?.value).toBeUndefined();
    expect(model.services.get('worker')!.environment.get('DB_HOST')?.value).toBe('db');
  });

  it('follows extends, and keeps a variable set in no .env unknown instead of empty', () => {
    const dir = folder({
      'compose.yaml': [
        'services:',
        '  base:',
        '    build: .',
        '    environment: {A: "1", PW: "${PW}"}',
        '  web:',
        '    extends: base',
        '    environment: {B: "2"}',
        '    profiles: [extra]',
        '',
      ].join('\n'),
    });
    const web = readCompose(dir)!.services.get('web')!;
    expect(web.build?.context).toBe('.');
    expect([...web.environment.keys()].sort()).toEqual(['A', 'B', 'PW']);
    expect(web.environment.get('PW')?.value).toBeUndefined();
    expect(web.profiles).toEqual(['extra']);
  });
});

describe('Dockerfile model', () => {
  it('substitutes ARG/ENV, follows stages, and reads apt, pip, COPY and the command forms', () => {
    const m = readDockerfile(
      'Dockerfile',
      [
        'ARG PY=3.12',
        'FROM python:${PY}-slim-trixie AS base',
        'ENV APP=/srv/app',
        'WORKDIR $APP',
        'RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*',
        'FROM base',
        'COPY --chown=app:app src/ ./',
        'RUN pip install -r requirements/prod.txt gunicorn',
        'CMD gunicorn a.wsgi --bind 0.0.0.0:$PORT',
      ].join('\n'),
    );
    const [base, final] = m.stages as [NonNullable<(typeof m.stages)[0]>, NonNullable<(typeof m.stages)[0]>];
    expect(base.image).toBe('python:3.12-slim-trixie');
    expect(base.installs.map((p) => p.name)).toEqual(['libpq5']);
    expect(final.parent).toBe(0);
    expect(final.copies[0]).toMatchObject({ dest: '/srv/app', chown: 'app:app', sources: ['src/'], destIsDir: true });
    expect(final.pipInstalls[0]).toMatchObject({
      requirementFiles: ['requirements/prod.txt'],
      packages: ['gunicorn'],
      workdir: '/srv/app',
    });
    expect(final.cmd).toMatchObject({ form: 'shell', line: 9 });
  });
  it('reports unknown instructions with their line instead of failing', () => {
    expect(readDockerfile('Dockerfile', 'FROM python:3.13-slim-trixie\nCOPPY . /app\n').errors).toEqual([
      { line: 2, message: 'unknown instruction "COPPY"' },
    ]);
  });
});

describe('settings evaluator', () => {
  const files: Record<string, string> = {
    'cfg/__init__.py': '',
    'cfg/settings/__init__.py': '',
    'cfg/settings/base.py': [
      'import os',
      'from pathlib import Path',
      'BASE_DIR = Path(__file__).resolve().parent.parent.parent',
      'def env_list(name, default=""):',
      '    return [x.strip() for x in os.environ.get(name, default).split(",") if x.strip()]',
      'DEBUG = os.environ.get("DEBUG", "0") == "1"',
      'ALLOWED_HOSTS = env_list("HOSTS", "localhost")',
      'MIDDLEWARE = ["a", "b"]',
      'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}',
    ].join('\n'),
    'cfg/settings/prod.py':
      'from .base import *\nMIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")\nif DEBUG:\n    MIDDLEWARE += ["debug_toolbar.middleware.DebugToolbarMiddleware"]\nSECRET_KEY = os.environ["KEY"]\n',
  };
  const opts = (env?: Map<string, string | undefined>) => ({
    read: (f: string) => files[f],
    moduleFile: (m: string) => [`${m.replaceAll('.', '/')}.py`, `${m.replaceAll('.', '/')}/__init__.py`].find((f) => f in files),
    imagePath: (f: string) => `/app/${f}`,
    ...(env ? { env } : {}),
  });
  it('evaluates star imports, helpers, paths and list methods under a given environment', async () => {
    const r = await evaluateModule(
      'cfg.settings.prod',
      'cfg/settings/prod.py',
      opts(
        new Map([
          ['HOSTS', 'a.com, b.com'],
          ['DEBUG', '1'],
        ]),
      ),
    );
    const v = (n: string): Val | undefined => r.names.get(n)?.value;
    expect(v('ALLOWED_HOSTS')).toEqual({
      k: 'list',
      items: [
        { k: 'str', v: 'a.com' },
        { k: 'str', v: 'b.com' },
      ],
    });
    expect(v('DEBUG')).toEqual({ k: 'bool', v: true });
    expect(v('MIDDLEWARE')).toEqual({
      k: 'list',
      items: ['a', 'whitenoise.middleware.WhiteNoiseMiddleware', 'b', 'debug_toolbar.middleware.DebugToolbarMiddleware'].map((s) => ({
        k: 'str',
        v: s,
      })),
    });
    expect(JSON.stringify(v('DATABASES'))).toContain('"/app/db.sqlite3"');
    expect(r.names.get('SECRET_KEY')).toMatchObject({ file: 'cfg/settings/prod.py', line: 5 });
  });
  it('keeps environment reads symbolic without an environment', async () => {
    const r = await evaluateModule('cfg.settings.prod', 'cfg/settings/prod.py', opts());
    expect(r.names.get('SECRET_KEY')?.value).toMatchObject({ k: 'env', name: 'KEY', hasDefault: false });
    expect(r.envReads.find((e) => e.name === 'KEY')).toMatchObject({ via: 'os.environ[]', line: 5 });
    // Unknown condition: the list may or may not get the toolbar.
    expect(r.names.get('MIDDLEWARE')?.value).toMatchObject({ k: 'list', open: true });
  });
  it('a syntax error is an error with its line, not an exception', async () => {
    const r = await evaluateModule('x', 'x.py', { read: () => 'A = 1\nB = [\n', moduleFile: () => undefined, imagePath: (f) => f });
    expect(r.errors).toEqual([{ file: 'x.py', line: 2, message: 'invalid Python syntax' }]);
  });
});

describe('nginx and git', () => {
  it('reads nginx directives with their block context and line', () => {
    const d = parseNginx('server {\n  listen 443 ssl; # tls\n  location / { proxy_pass http://web:8000; }\n}\n');
    expect(d.map((x) => [x.name, x.args.join(' '), x.line, x.context.join('/')])).toEqual([
      ['server', '', 1, ''],
      ['listen', '443 ssl', 2, 'server'],
      ['location', '/', 3, 'server'],
      ['proxy_pass', 'http://web:8000', 3, 'server/location'],
    ]);
  });
  it("reads file modes from git's index", () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-git-'));
    writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n');
    writeFileSync(join(dir, 'plain.sh'), '#!/bin/sh\n');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['add', 'run.sh', 'plain.sh'], { cwd: dir });
    execFileSync('git', ['update-index', '--chmod=+x', 'run.sh'], { cwd: dir });
    const index = readGitIndex(dir);
    expect(gitMode(index, dir, 'run.sh')).toBe(0o100755);
    expect(gitMode(index, dir, 'plain.sh')).toBe(0o100644);
  });
});
