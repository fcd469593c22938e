/**
 * Re-running after the user edited generated files: their edits survive the generator's own
 * changes (three-way merge against .django-docker/base), and a true overlap is never resolved
 * silently.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { mergeThreeWay, reconcile } from '../../generators/generate/reconcile.ts';
import { copyScenarioInput, readTree, runGenerator, scenariosDir } from '../support/scenarios.ts';

const cli = fileURLToPath(new URL('../../generators/cli.js', import.meta.url));

async function generatedSite(flags: Record<string, unknown> = {}): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-regen-')), 'site');
  mkdirSync(dir);
  await runGenerator(dir, { yes: true, 'project-name': 'site1', ...flags });
  return dir;
}

function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  expect(text, `${file} contains ${from}`).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

function runCli(dir: string, args: string[]) {
  return spawnSync('node', [cli, dir, ...args], { encoding: 'utf8', input: '', timeout: 30_000 });
}

describe('user edits survive a re-run', () => {
  it('three edits (an image label, an extra compose service, a settings comment) survive sqlite → postgres', async () => {
    const dir = await generatedSite();
    edit(dir, 'Dockerfile', 'FROM python:3.13-slim-trixie\n', 'FROM python:3.13-slim-trixie\nLABEL org.example.team="web"\n');
    edit(dir, 'compose.yaml', 'keeps them.\n', 'keeps them.\n  cache:\n    image: redis:7\n');
    edit(dir, 'site1/settings_container.py', '# Everything to stdout/stderr', '# Our log shipper reads stdout');

    const r = runCli(dir, ['--database', 'postgres']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('Changed: database sqlite → postgres');
    expect(r.stderr).toMatch(/merged\s+Dockerfile/);

    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('LABEL org.example.team="web"');
    expect(dockerfile).toContain('libpq5');
    const compose = parseYaml(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as { services: Record<string, { image?: string }> };
    expect(compose.services.cache?.image).toBe('redis:7');
    expect(compose.services.db?.image).toBe('postgres:17-trixie');
    const settings = readFileSync(join(dir, 'site1/settings_container.py'), 'utf8');
    expect(settings).toContain('# Our log shipper reads stdout');
    expect(settings).toContain('django.db.backends.postgresql');
    for (const text of [dockerfile, settings, readFileSync(join(dir, 'compose.yaml'), 'utf8')]) expect(text).not.toContain('<<<<<<<');
    // The new database's password reaches .env, next to the secret from the first run.
    expect(readFileSync(join(dir, '.env'), 'utf8')).toMatch(/^DB_PASSWORD=[A-Za-z0-9_-]{32}$/m);
    // The requirement swap is the generator's: a later switch to sqlite takes psycopg out again.
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toContain('psycopg==3.3.6');
    expect(runCli(dir, ['--database', 'sqlite']).status).toBe(0);
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).not.toContain('psycopg');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('LABEL org.example.team="web"');
  });

  it('a line appended to requirements.txt never stops a database switch', async () => {
    const dir = await generatedSite();
    writeFileSync(join(dir, 'requirements.txt'), `${readFileSync(join(dir, 'requirements.txt'), 'utf8')}requests==2.32.3\n`);
    const r = runCli(dir, ['--database', 'postgres']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).toMatch(/\nwhitenoise==6\.8\.2\npsycopg==3\.3\.6\nrequests==2\.32\.3\n$/);
  });

  it('a new postgres project re-run with --database mysql gets MySQL throughout: image and version, driver, no psycopg', async () => {
    const dir = await generatedSite({ database: 'postgres' });
    const r = runCli(dir, ['--database', 'mysql']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('Changed: database postgres → mysql, dbVersion 17 → 8.4');
    expect(r.stderr).toContain(
      'Note: database version 17 was for PostgreSQL: MySQL gets 8.4, its default (--db-version to choose another)',
    );
    const compose = parseYaml(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as { services: Record<string, { image?: string }> };
    expect(compose.services.db?.image).toBe('mysql:8.4');
    const requirements = readFileSync(join(dir, 'requirements.txt'), 'utf8');
    expect(requirements).toContain('\nmysqlclient==2.2.7\n');
    expect(requirements).not.toContain('psycopg');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).not.toContain('libpq5');
    // A version given with the switch is kept, and an engine that has the saved version keeps it.
    const mariadb = runCli(dir, ['--database', 'mariadb', '--db-version', '10.11']);
    expect(mariadb.stderr).not.toContain('Note: database version');
    expect(mariadb.stderr).toContain(
      "Note: MariaDB starts on a volume of its own (mariadb-data); MySQL's data stays in mysql-data until you remove that volume",
    );
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toContain('image: mariadb:10.11');
  });

  it('pyproject.toml: an entry the user appended and one they moved stay put through a database switch', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dd-regen-')), 'src-pyproject-postgres');
    mkdirSync(dir);
    copyScenarioInput(join(scenariosDir, 'src-pyproject-postgres'), dir);
    await runGenerator(dir, { yes: true });
    // Their driver moved below the generator's lines, and a dependency of theirs appended.
    edit(dir, 'pyproject.toml', '    "psycopg[binary]>=3.2",  # PostgreSQL driver\n', '');
    edit(
      dir,
      'pyproject.toml',
      '    "whitenoise==6.8.2",\n',
      '    "whitenoise==6.8.2",\n    "psycopg[binary]>=3.2",  # PostgreSQL driver\n    "requests>=2.31",\n',
    );
    await runGenerator(dir, { yes: true, interactive: false, force: false, database: 'mysql' });
    expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toContain(
      'dependencies = [\n    "Django~=5.2.0",\n    "gunicorn==26.2.0",\n    "whitenoise==6.8.2",\n    "mysqlclient==2.2.7",\n    "psycopg[binary]>=3.2",  # PostgreSQL driver\n    "requests>=2.31",\n]',
    );
    expect(JSON.parse(readFileSync(join(dir, '.django-docker/state.json'), 'utf8'))).toEqual({
      addedRequirements: ['gunicorn==26.2.0', 'whitenoise==6.8.2', 'mysqlclient==2.2.7'],
    });
  });

  it('a changed requirement the generator also changes is refused without a terminal, in one line naming the package', async () => {
    const dir = await generatedSite({ database: 'postgres' });
    edit(dir, 'requirements.txt', 'psycopg==3.3.6', 'psycopg==3.2.9');
    const before = readTree(dir);
    const r = runCli(dir, ['--database', 'mysql']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      "django-docker: requirements.txt: you changed psycopg==3.3.6 to psycopg==3.2.9, and the generator now removes it: run in a terminal to see it marked, or pass --force to take the generator's version",
    );
    expect(readTree(dir)).toEqual(before);
    expect(runCli(dir, ['--database', 'mysql', '--force']).status).toBe(0);
    expect(readFileSync(join(dir, 'requirements.txt'), 'utf8')).not.toContain('psycopg');
  });

  it('a user line the generator also changes is a conflict: refused without a terminal, nothing written', async () => {
    const dir = await generatedSite();
    edit(dir, 'Dockerfile', 'EXPOSE 8000', 'EXPOSE 8000 8001');
    const before = readTree(dir);
    const r = runCli(dir, ['--port', '9000']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      "django-docker: your edits and the generator's changes overlap in Dockerfile: run in a terminal to see them marked, or pass --force to take the generator's version",
    );
    expect(readTree(dir)).toEqual(before);
  });

  it('--force takes the generator version of a conflicting file', async () => {
    const dir = await generatedSite();
    edit(dir, 'Dockerfile', 'EXPOSE 8000', 'EXPOSE 8000 8001');
    const r = runCli(dir, ['--port', '9000', '--force']);
    expect(r.status, r.stderr).toBe(0);
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('\nEXPOSE 9000\n');
    expect(dockerfile).not.toContain('8001');
  });

  it('a conflict is proposed with markers naming both sides', () => {
    const base = 'FROM x\nEXPOSE 8000\nCMD ["a"]\n';
    const m = mergeThreeWay(base, 'FROM x\nEXPOSE 8000 8001\nCMD ["a"]\n', 'FROM x\nEXPOSE 9000\nCMD ["a"]\n');
    expect(m.conflict).toBe(true);
    expect(m.text).toBe('FROM x\n<<<<<<< your version\nEXPOSE 8000 8001\n=======\nEXPOSE 9000\n>>>>>>> generator\nCMD ["a"]\n');
    const files = reconcile(
      [{ path: 'Dockerfile', contents: 'FROM x\nEXPOSE 9000\nCMD ["a"]\n', action: 'template', why: '', mergeBase: true }],
      (p) => (p === 'Dockerfile' ? 'FROM x\nEXPOSE 8000 8001\nCMD ["a"]\n' : p === '.django-docker/base/Dockerfile' ? base : undefined),
      false,
    );
    expect(files[0]).toMatchObject({ status: 'conflict', contents: m.text });
  });

  it('edits to neighbouring lines combine; two insertions at one place, or one line changed both ways, conflict', () => {
    const base = 'a\n# why\nEXPOSE 8000\nb\n';
    // A comment reworded right above a line the generator changes.
    expect(mergeThreeWay(base, 'a\n# reworded\nEXPOSE 8000\nb\n', 'a\n# why\nEXPOSE 9000\nb\n')).toEqual({
      text: 'a\n# reworded\nEXPOSE 9000\nb\n',
      conflict: false,
    });
    // A line inserted right after a line the generator changes, and before one it inserts.
    expect(mergeThreeWay(base, 'a\n# why\nEXPOSE 8000\nmine\nb\n', 'a\n# why\nEXPOSE 9000\nb\n').text).toBe(
      'a\n# why\nEXPOSE 9000\nmine\nb\n',
    );
    expect(mergeThreeWay(base, 'a\nmine\n# why\nEXPOSE 8000\nb\n', 'a\n# why\nEXPOSE 8000\nb\n').conflict).toBe(false);
    // The same edit on both sides counts once.
    expect(mergeThreeWay(base, 'a\n# why\nEXPOSE 9000\nb\n', 'a\n# why\nEXPOSE 9000\nb\n')).toEqual({
      text: 'a\n# why\nEXPOSE 9000\nb\n',
      conflict: false,
    });
    // Both insert at one place: the order is unknown.
    expect(mergeThreeWay(base, 'a\nmine\n# why\nEXPOSE 8000\nb\n', 'a\ntheirs\n# why\nEXPOSE 8000\nb\n')).toEqual({
      text: 'a\n<<<<<<< your version\nmine\n=======\ntheirs\n>>>>>>> generator\n# why\nEXPOSE 8000\nb\n',
      conflict: true,
    });
    // A line inserted between two lines the generator replaces as one block is in the middle of its edit.
    expect(mergeThreeWay('x\ny\n', 'x\nmine\ny\n', 'X\nY\n').conflict).toBe(true);
  });

  it('an existing Dockerfile that the generator never wrote is a replacement, not a merge', () => {
    const files = reconcile(
      [{ path: 'Dockerfile', contents: 'FROM new\n', action: 'template', why: '' }],
      (p) => (p === 'Dockerfile' ? 'FROM old\n' : undefined),
      false,
    );
    expect(files[0]?.status).toBe('replace');
  });
});
