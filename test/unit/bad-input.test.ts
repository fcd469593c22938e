/**
 * Bad input gets one line on stderr that says what to do, exit status 1, and leaves the folder
 * exactly as it was (names, bytes and mtimes). Runs the real `django-docker` bin.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copyScenarioInput, scenariosDir } from '../support/scenarios.ts';

const cli = fileURLToPath(new URL('../../generators/cli.js', import.meta.url));

function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      const st = statSync(abs);
      if (e.isDirectory()) {
        out.push(`${relative(dir, abs)}/`);
        walk(abs);
      } else out.push(`${relative(dir, abs)} ${st.size} ${st.mtimeMs} ${readFileSync(abs, 'base64')}`);
    }
  };
  walk(dir);
  return out.sort();
}

function run(dir: string, args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync('node', [cli, dir, ...args], { encoding: 'utf8', input: '', timeout: 30_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

function existingProject(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-bad-')), 'proj');
  copyScenarioInput(join(scenariosDir, 'startproject-postgres'), dir);
  return dir;
}

function emptyFolder(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-bad-')), 'empty');
  mkdirSync(dir);
  return dir;
}

function expectRefused(dir: string, args: string[], pattern: RegExp): void {
  const before = snapshot(dir);
  const r = run(dir, args);
  expect(r.status, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^django-docker: /);
  expect(lines[0]).toMatch(pattern);
  expect(snapshot(dir)).toEqual(before);
}

const cases: Array<[string, string[], RegExp]> = [
  ['port 0', ['--port', '0'], /--port 0 is not a TCP port: give a number from 1 to 65535/],
  ['port 70000', ['--port', '70000'], /--port 70000 is not a TCP port/],
  ['port abc', ['--port', 'abc'], /--port abc is not a TCP port/],
  ['user root', ['--user', 'root'], /--user root defeats the non-root user/],
  ['uid 0', ['--uid', '0'], /--uid 0 is root: give a non-root uid such as 10001/],
  ['user Bad Name', ['--user', 'Bad Name'], /--user Bad Name is not a valid user name/],
  ['python 2.7', ['--python', '2.7'], /--python 2.7 is not supported: choose 3.11, 3.12, 3.13, 3.14/],
  ['python 3.99', ['--python', '3.99'], /--python 3.99 is not supported/],
  ['python latest', ['--python', 'latest'], /--python latest is not supported/],
  ['python 3.10 (end of life)', ['--python', '3.10'], /Python 3.10 reached its end of life/],
  ['database oracle', ['--database', 'oracle'], /--database oracle is not supported: choose postgres, mysql, mariadb, sqlite, none/],
  [
    'Django 6.0 on Python 3.11',
    ['--django', '6.0', '--python', '3.11'],
    /Django 6.0 does not support Python 3.11: use Python 3.12, 3.13 or 3.14/,
  ],
  ['PostgreSQL 13 with Django 5.2', ['--database', 'postgres', '--db-version', '13'], /Django 5.2 needs PostgreSQL 14 or later, not 13/],
  [
    'SQLite with three Kubernetes replicas',
    ['--kubernetes', '--replicas', '3'],
    /--replicas 3 with SQLite: one SQLite file cannot serve several pods; use --replicas 1, or --database postgres/,
  ],
  ['replicas 0', ['--replicas', '0'], /--replicas 0 is not a replica count: give a number from 1 to 100/],
  ['migrate later', ['--migrate', 'later'], /--migrate later is not supported: choose start, release/],
  ['unknown flag', ['--bogus'], /Unknown option '--bogus'/],
];

describe('bad input is refused with one line and writes nothing', () => {
  for (const [label, args, pattern] of cases) {
    it(`${label} (empty folder)`, () => {
      // '--bogus' is refused by the argument parser, with exit status 2.
      if (args[0] === '--bogus') {
        const dir = emptyFolder();
        const before = snapshot(dir);
        const r = run(dir, [...args, '--yes']);
        expect(r.status).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(pattern);
        expect(snapshot(dir)).toEqual(before);
        return;
      }
      expectRefused(emptyFolder(), [...args, '--yes'], pattern);
    });
  }

  it('a Django pin that does not run on the chosen Python (existing project)', () => {
    const dir = existingProject();
    writeFileSync(join(dir, 'requirements.txt'), 'Django>=4.2,<5.0\npsycopg==3.3.6\n');
    expectRefused(dir, ['--yes', '--python', '3.13'], /Django >=4.2,<5.0 does not support Python 3.13: use Python 3.11 or 3.12/);
  });

  it('a C-extension pin with no wheel for the chosen Python', () => {
    const dir = existingProject();
    writeFileSync(join(dir, 'requirements.txt'), 'Django==5.2.17\npsycopg2-binary==2.9.5\n');
    expectRefused(
      dir,
      ['--yes', '--python', '3.13'],
      /requirements\.txt line 2 pins psycopg2-binary==2\.9\.5, which has no wheel for Python 3\.13 \(first: 2\.9\.10\): raise the pin to 2\.9\.10 or later, or use --python 3\.11/,
    );
  });

  it('a uv project whose lock lacks what the container runs: prints the uv command', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dd-bad-')), 'proj');
    copyScenarioInput(join(scenariosDir, 'uv-postgres'), dir);
    const pyproject = join(dir, 'pyproject.toml');
    writeFileSync(
      pyproject,
      readFileSync(pyproject, 'utf8').replace('    "gunicorn>=26.2",\n', '').replace('    "whitenoise>=6.8",\n', ''),
    );
    expectRefused(
      dir,
      ['--yes'],
      /the container needs gunicorn==26\.2\.0, whitenoise==6\.8\.2, which pyproject\.toml and uv\.lock lack: run `uv add "gunicorn==26\.2\.0" "whitenoise==6\.8\.2"`, then run again/,
    );
  });

  it('a lock file out of date with its manifest', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dd-bad-')), 'proj');
    copyScenarioInput(join(scenariosDir, 'poetry-sqlite'), dir);
    const pyproject = join(dir, 'pyproject.toml');
    writeFileSync(pyproject, readFileSync(pyproject, 'utf8').replace('whitenoise = "^6.8"', 'whitenoise = "^6.8"\nrequests = "^2.32"'));
    expectRefused(
      dir,
      ['--yes'],
      /poetry\.lock is out of date with pyproject\.toml \(it does not lock requests\): run `poetry lock`, then run again/,
    );
  });

  it('more than one lock file', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dd-bad-')), 'proj');
    copyScenarioInput(join(scenariosDir, 'uv-postgres'), dir);
    writeFileSync(join(dir, 'poetry.lock'), '');
    expectRefused(dir, ['--yes'], /found uv\.lock and poetry\.lock: keep the lock file of the manager your team uses/);
  });

  it('an organisation config with an unknown key', () => {
    const dir = existingProject();
    writeFileSync(join(dir, 'django-docker.config.json'), '{ "registery": "registry.example.com/" }\n');
    expectRefused(
      dir,
      ['--yes'],
      /django-docker\.config\.json: "registery" is not a setting: use registry, pipIndexUrl, pipTrustedHost, caCert, labels, templates/,
    );
  });

  it('an override template that drops a value the plan provides', () => {
    const dir = existingProject();
    mkdirSync(join(dir, 'tpl'));
    writeFileSync(join(dir, 'tpl', 'Dockerfile.ejs'), 'FROM <%= plan.image.base %>\nCMD ["gunicorn"]\n');
    expectRefused(
      dir,
      ['--yes', '--templates', 'tpl', '--trust-project-templates'],
      /tpl\/Dockerfile\.ejs does not use plan\.[\w.]+(, plan\.[\w.]+)*, which the bundled template does/,
    );
  });

  it('an answers file with a bad key and a bad value', () => {
    const dir = emptyFolder();
    const answers = join(mkdtempSync(join(tmpdir(), 'dd-ans-')), 'answers.json');
    writeFileSync(answers, '{ "databse": "postgres" }');
    expectRefused(
      dir,
      ['--yes', '--answers', answers],
      /answers\.json: "databse" is not an answer: use projectName, django, python, database/,
    );
    writeFileSync(answers, '{ "database": "oracle" }');
    expectRefused(
      dir,
      ['--yes', '--answers', answers],
      /answers\.json: "database" oracle is not supported: choose postgres, mysql, mariadb, sqlite, none/,
    );
  });

  it('settings that cannot be parsed: names the file and line', () => {
    const dir = existingProject();
    const settings = join(dir, 'mysite', 'settings.py');
    writeFileSync(settings, `${readFileSync(settings, 'utf8')}\nDATABASES = {\n    'default': {\n`);
    expectRefused(dir, ['--yes'], /cannot parse mysite\/settings\.py line \d+: invalid Python syntax; fix the file, then run again/);
  });

  it('a folder with files but no manage.py', () => {
    const dir = emptyFolder();
    writeFileSync(join(dir, 'app.py'), 'print("hello")\n');
    expectRefused(dir, ['--yes'], /no Django project here: .* has files but no manage\.py/);
  });

  it('a manage.py whose settings module does not exist', () => {
    const dir = existingProject();
    writeFileSync(join(dir, 'manage.py'), readFileSync(join(dir, 'manage.py'), 'utf8').replace("'mysite.settings'", "'mysite.nosuch'"));
    expectRefused(dir, ['--yes'], /points DJANGO_SETTINGS_MODULE at mysite\.nosuch, but no such module exists/);
  });

  it('an unwritable folder', () => {
    const dir = existingProject();
    if (process.getuid?.() !== 0) {
      chmodSync(dir, 0o555);
      expectRefused(dir, ['--yes'], /cannot write to .*: run where you may write, or fix the folder's permissions/);
      return;
    }
    // Root may write through permission bits, not into an immutable folder.
    const lock = spawnSync('chattr', ['+i', dir], { encoding: 'utf8' });
    expect(lock.status, `chattr +i needs a file system with attributes: ${lock.stderr}`).toBe(0);
    try {
      expectRefused(dir, ['--yes'], /cannot write to .*: run where you may write, or fix the folder's permissions/);
    } finally {
      spawnSync('chattr', ['-i', dir]);
    }
  });

  it('an existing, different Dockerfile without a terminal and without --force', () => {
    const dir = existingProject();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.9-slim-buster\nCOPY . .\n');
    expectRefused(dir, ['--yes'], /would overwrite Dockerfile, which differ.* pass --force to overwrite/);
  });
});
