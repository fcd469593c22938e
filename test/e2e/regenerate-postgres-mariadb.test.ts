/**
 * A new project generated with PostgreSQL (Python 3.11, bookworm) runs on the engine with data in
 * it; the developer pins the MySQL driver they want (mysqlclient==1.4.6), adds a system package
 * and a sidecar service, stops the stack and re-runs the generator with
 * `--database mariadb --db-version 11.8`. The re-run merges without a conflict and keeps the
 * edits; MariaDB starts on a volume of its own (PostgreSQL's stays), and the project builds,
 * migrates, serves /admin/login/ as uid 10001 and keeps its data across down + up.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, docker, http, missingImages, releaseAvailable, removeDir, repoRoot, run, type RunResult, Stack } from './harness.ts';

const MIN = 60_000;
const cli = join(repoRoot, 'generators', 'cli.js');
const FIRST = ['--yes', '--project-name', 'site1', '--python', '3.11', '--debian', 'bookworm', '--database', 'postgres'];

function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}: update this test`);
  writeFileSync(path, text.replace(from, to));
}

/** Why this machine cannot run it: the images of both runs must be here, and the pinned driver in the index. */
async function reason(): Promise<string | undefined> {
  const root = mkdtempSync(join(tmpdir(), 'dd-e2e-regen-check-'));
  try {
    const missing: string[] = [];
    for (const database of ['postgres', 'mariadb']) {
      const dir = join(root, database);
      mkdirSync(dir);
      const r = await run(process.execPath, [cli, dir, ...FIRST, '--database', database], { timeoutMs: MIN });
      if (r.code !== 0) throw new Error(describeRun(`generating the ${database} variant`, r));
      missing.push(...(await missingImages(dir)));
    }
    if (missing.length) return `image ${[...new Set(missing)].join(', ')} is not on this machine and cannot be pulled`;
    if (!(await releaseAvailable('python:3.11-slim-bookworm', 'mysqlclient==1.4.6')))
      return 'pip in python:3.11-slim-bookworm finds no mysqlclient 1.4.6 in the package index it is configured with';
    return undefined;
  } finally {
    removeDir(root);
  }
}

const skip = await reason();

(skip ? describe.skip : describe)(
  `regenerated postgres → mariadb 11.8 on the engine, with hand edits${skip ? ` — skipped: ${skip}` : ''}`,
  () => {
    let root: string;
    let dir: string;
    let stack: Stack;
    let before: RunResult;
    let regen: RunResult;
    const username = `e2e-${randomBytes(3).toString('hex')}`;

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'dd-e2e-regen-'));
      dir = join(root, 'regen');
      mkdirSync(dir);
      const first = await run(process.execPath, [cli, dir, ...FIRST], { timeoutMs: MIN });
      if (first.code !== 0) throw new Error(describeRun('first run', first));
      stack = new Stack(dir, 'regen-pg-maria', 8000);
      // The PostgreSQL project runs, with a user in its database.
      const built = await stack.build();
      before = built.code === 0 ? await stack.up(240) : built;
      if (before.code === 0) {
        await stack.exec(
          ['python', 'manage.py', 'createsuperuser', '--noinput', '--username', `pg-${username}`, '--email', 'pg@example.invalid'],
          {
            env: { DJANGO_SUPERUSER_PASSWORD: randomBytes(12).toString('hex') },
          },
        );
      }
      const down = await stack.down();
      if (down.code !== 0) throw new Error(describeRun('down before the switch', down));

      writeFileSync(join(dir, 'requirements.txt'), `${readFileSync(join(dir, 'requirements.txt'), 'utf8')}mysqlclient==1.4.6\n`);
      edit(
        dir,
        'Dockerfile',
        '(apt-get install …) go below this line: a re-run of the generator keeps them.\n',
        '(apt-get install …) go below this line: a re-run of the generator keeps them.\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends gettext-base \\\n && rm -rf /var/lib/apt/lists/*\n',
      );
      edit(
        dir,
        'compose.yaml',
        'keeps them.\n',
        'keeps them.\n  sidecar:\n    image: python:3.11-slim-bookworm\n    command: ["sleep", "infinity"]\n    init: true\n',
      );
      regen = await run(process.execPath, [cli, dir, '--database', 'mariadb', '--db-version', '11.8'], { timeoutMs: MIN });
    }, 10 * MIN);

    afterAll(async () => {
      await stack?.destroy();
      removeDir(root);
    }, 5 * MIN);

    it('the PostgreSQL project came up before the switch', () => {
      expect(before.code, describeRun('compose up (postgres)', before)).toBe(0);
    });

    it('the re-run merges without conflict, keeps the edits and swaps what belongs to the engine', () => {
      expect(regen.code, regen.stderr).toBe(0);
      expect(regen.stderr).toContain('Changed: database postgres → mariadb, dbVersion 17 → 11.8');
      const requirements = readFileSync(join(dir, 'requirements.txt'), 'utf8');
      expect(requirements).not.toContain('psycopg');
      // The driver the developer pinned is the only one: the generator adds no second one.
      expect(requirements.split('\n').filter((l) => l.startsWith('mysqlclient'))).toEqual(['mysqlclient==1.4.6']);
      const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      expect(dockerfile).toContain('gettext-base');
      expect(dockerfile).toContain('libmariadb3');
      expect(dockerfile).not.toContain('libpq5');
      const compose = parseYaml(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as {
        services: Record<string, { image?: string; volumes?: string[] }>;
      };
      expect(compose.services.sidecar?.image).toBe('python:3.11-slim-bookworm');
      expect(compose.services.db?.image).toBe('mariadb:11.8');
      expect(compose.services.db?.volumes).toEqual(['mariadb-data:/var/lib/mysql']);
    });

    it(
      'builds, migrates against MariaDB 11.8 and serves /admin/login/ as uid 10001; data survives down + up',
      async () => {
        // The image changed with the answers: build it again, as `docker compose up --build` would.
        const built = await stack.build();
        expect(built.code, describeRun('compose build (mariadb)', built)).toBe(0);
        const up = await stack.up(300);
        expect(up.code, describeRun('compose up (mariadb)', up) + (await stack.logs())).toBe(0);
        const url = await stack.url();
        expect(url).toBeDefined();
        expect((await http(`${url}/admin/login/`)).status).toBe(200);
        const uid = await stack.exec(['id', '-u']);
        expect(uid.stdout.trim()).toBe('10001');
        const migrations = await stack.exec(['python', 'manage.py', 'showmigrations', '--plan']);
        expect(migrations.code, describeRun('showmigrations', migrations)).toBe(0);
        expect(migrations.stdout).toContain('[X]  auth.0001_initial');
        expect(migrations.stdout).not.toContain('[ ]');
        const vendor = await stack.exec([
          'python',
          '-c',
          'import django; django.setup(); from django.db import connection; print(connection.vendor, connection.mysql_is_mariadb)',
        ]);
        expect(vendor.stdout.trim(), describeRun('vendor', vendor)).toBe('mysql True');
        // MariaDB started on its own volume; PostgreSQL's data is still in its own.
        const volumes = (await docker(['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${stack.project}`])).stdout;
        expect(volumes).toContain(`${stack.project}_mariadb-data`);
        expect(volumes).toContain(`${stack.project}_postgres-data`);

        const made = await stack.exec(
          ['python', 'manage.py', 'createsuperuser', '--noinput', '--username', username, '--email', 'm@example.invalid'],
          {
            env: { DJANGO_SUPERUSER_PASSWORD: randomBytes(12).toString('hex') },
          },
        );
        expect(made.code, describeRun('createsuperuser', made)).toBe(0);
        expect((await stack.down()).code).toBe(0);
        const again = await stack.up(240);
        expect(again.code, describeRun('compose up (again)', again)).toBe(0);
        const found = await stack.exec([
          'python',
          'manage.py',
          'shell',
          '-c',
          `from django.contrib.auth import get_user_model; print("FOUND", get_user_model().objects.filter(username="${username}").count())`,
        ]);
        expect(found.stdout, describeRun('shell', found)).toContain('FOUND 1');
      },
      15 * MIN,
    );
  },
);
