/**
 * Requirements merged by package name: the generator changes only the lines it manages, wherever
 * they stand; the user's added, removed and re-ordered lines never conflict; a conflict only when
 * the user changed a package the generator also changes.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseToml } from '@decimalturn/toml-patch';
import {
  ADDED_NOTE,
  mergeManagedRequirements,
  type PackageMergeInput,
  type RequirementNeed,
} from '../../generators/generate/requirements-merge.ts';

const SERVER: RequirementNeed = { line: 'gunicorn==26.2.0', metBy: ['gunicorn'] };
const UVICORN: RequirementNeed = { line: 'uvicorn==0.54.0', metBy: ['uvicorn'] };
const STATIC: RequirementNeed = { line: 'whitenoise==6.8.2', metBy: ['whitenoise'] };
const PG: RequirementNeed = { line: 'psycopg==3.3.6', metBy: ['psycopg', 'psycopg2', 'psycopg2-binary'] };
const MYSQL: RequirementNeed = { line: 'mysqlclient==2.2.7', metBy: ['mysqlclient'] };
const OURS = ['gunicorn==26.2.0', 'whitenoise==6.8.2', 'psycopg==3.3.6'];

function merge(text: string, managed: readonly string[], needs: readonly RequirementNeed[], extra: Partial<PackageMergeInput> = {}) {
  return mergeManagedRequirements({
    file: 'requirements.txt',
    format: 'requirements',
    text,
    managed,
    needs,
    elsewhere: [],
    force: false,
    ...extra,
  });
}

/** A new project's requirements.txt as the generator writes it (postgres). */
const NEW =
  '# Python packages for "site1", written by generator-django-docker.\nDjango==5.2.17\ngunicorn==26.2.0\nwhitenoise==6.8.2\npsycopg==3.3.6\n';

describe('requirements.txt merged by package name', () => {
  it('first run on an existing project: every user line kept, the needs appended under a note', () => {
    const text = '# mine\nDjango==5.2.17  # pinned\n-e git+https://example.invalid/x.git#egg=x\n--index-url https://example.invalid/simple';
    const r = merge(text, [], [SERVER, STATIC]);
    expect(r.text).toBe(`${text}\n\n# ${ADDED_NOTE}\ngunicorn==26.2.0\nwhitenoise==6.8.2\n`);
    expect(r.managed).toEqual(['gunicorn==26.2.0', 'whitenoise==6.8.2']);
    expect(r.conflicts).toEqual([]);
  });

  it('a driver swap changes the driver line in place; lines the user appended, removed and re-ordered stay as they are', () => {
    // The user appended two lines, dropped nothing of ours, and moved whitenoise above Django.
    const edited =
      '# Python packages for "site1", written by generator-django-docker.\nwhitenoise==6.8.2\nDjango==5.2.17\ngunicorn==26.2.0\npsycopg==3.3.6\nrequests==2.32.3\ncelery==5.4.0\n';
    const r = merge(edited, OURS, [SERVER, STATIC, MYSQL]);
    expect(r.conflicts).toEqual([]);
    expect(r.text).toBe(edited.replace('psycopg==3.3.6', 'mysqlclient==2.2.7'));
    expect(r.managed).toEqual(['gunicorn==26.2.0', 'whitenoise==6.8.2', 'mysqlclient==2.2.7']);
    expect(r).toMatchObject({ added: ['mysqlclient==2.2.7'], removed: ['psycopg==3.3.6'] });
  });

  it('a user line removed (Django) and one appended never conflict with a server change', () => {
    const edited = NEW.replace('Django==5.2.17\n', '') + 'requests==2.32.3\n';
    const r = merge(edited, OURS, [UVICORN, STATIC, PG]);
    expect(r.conflicts).toEqual([]);
    expect(r.text).toBe(edited.replace('gunicorn==26.2.0', 'uvicorn==0.54.0'));
  });

  it('a database added goes after the last managed line, above what the user appended', () => {
    const edited = `${NEW.replace('psycopg==3.3.6\n', '')}requests==2.32.3\n`;
    const r = merge(edited, ['gunicorn==26.2.0', 'whitenoise==6.8.2'], [SERVER, STATIC, PG]);
    expect(r.text).toBe(`${NEW}requests==2.32.3\n`);
  });

  it('a pin bump replaces the line in place and keeps a comment the user put after it', () => {
    const r = merge(
      'Django==5.2.17\ngunicorn==25.0.0  # the server\nwhitenoise==6.8.2\n',
      ['gunicorn==25.0.0', 'whitenoise==6.8.2'],
      [SERVER, STATIC],
    );
    expect(r.text).toBe('Django==5.2.17\ngunicorn==26.2.0  # the server\nwhitenoise==6.8.2\n');
    expect(r.conflicts).toEqual([]);
  });

  it('a managed line the user changed stays theirs when the generator does not change it', () => {
    const edited = NEW.replace('psycopg==3.3.6', 'psycopg[binary]==3.3.6');
    const r = merge(edited, OURS, [SERVER, STATIC, PG]);
    expect(r.conflicts).toEqual([]);
    expect(r.text).toBe(edited);
    expect(r.managed).toEqual(['gunicorn==26.2.0', 'whitenoise==6.8.2']);
  });

  it('a managed line the user changed and the generator changes too is a conflict naming the package; --force takes the generator version', () => {
    const edited = NEW.replace('psycopg==3.3.6', 'psycopg==3.2.1');
    const r = merge(edited, OURS, [SERVER, STATIC, MYSQL]);
    expect(r.conflicts).toEqual(['requirements.txt: you changed psycopg==3.3.6 to psycopg==3.2.1, and the generator now removes it']);
    // Only the changed line is in question; the new driver is agreed.
    expect(r.text).toContain('whitenoise==6.8.2\n<<<<<<< your version\npsycopg==3.2.1\n=======\n>>>>>>> generator\nmysqlclient==2.2.7\n');
    const forced = merge(edited, OURS, [SERVER, STATIC, MYSQL], { force: true });
    expect(forced.conflicts).toEqual([]);
    expect(forced.text).toBe(NEW.replace('psycopg==3.3.6', 'mysqlclient==2.2.7'));
  });

  it('a pin bump of a line the user changed is a conflict', () => {
    const r = merge('gunicorn==23.0.0\nwhitenoise==6.8.2\n', ['gunicorn==25.0.0', 'whitenoise==6.8.2'], [SERVER, STATIC]);
    expect(r.conflicts).toEqual([
      'requirements.txt: you changed gunicorn==25.0.0 to gunicorn==23.0.0, and the generator now writes gunicorn==26.2.0',
    ]);
  });

  it('a managed package the user removed is a conflict while the container needs it, and nothing once it does not', () => {
    const edited = NEW.replace('psycopg==3.3.6\n', '');
    expect(merge(edited, OURS, [SERVER, STATIC, PG]).conflicts).toEqual([
      'requirements.txt: you removed psycopg==3.3.6, which the container needs',
    ]);
    expect(merge(edited, OURS, [SERVER, STATIC, PG], { force: true }).text).toBe(NEW);
    const sqlite = merge(edited, OURS, [SERVER, STATIC]);
    expect(sqlite.conflicts).toEqual([]);
    expect(sqlite.text).toBe(edited);
  });

  it('a driver of the user own replaces ours (never two drivers); one in an included file is never duplicated', () => {
    const own = merge(`${NEW}psycopg2-binary==2.9.10\n`, OURS, [SERVER, STATIC, PG]);
    expect(own.text).toBe(`${NEW.replace('psycopg==3.3.6\n', '')}psycopg2-binary==2.9.10\n`);
    expect(own.managed).toEqual(['gunicorn==26.2.0', 'whitenoise==6.8.2']);
    // The user moved psycopg into -r base.txt: it is theirs now, nothing to add or conflict.
    const moved = merge('-r base.txt\ngunicorn==26.2.0\nwhitenoise==6.8.2\n', OURS, [SERVER, STATIC, PG], {
      elsewhere: ['django', 'psycopg'],
    });
    expect(moved.conflicts).toEqual([]);
    expect(moved.text).toBe('-r base.txt\ngunicorn==26.2.0\nwhitenoise==6.8.2\n');
  });

  it('the note goes when nothing of the generator is left under it', () => {
    const text = `Django==5.2.17\n\n# ${ADDED_NOTE}\ngunicorn==26.2.0\n`;
    const r = merge(`${text}`, ['gunicorn==26.2.0'], [SERVER], { elsewhere: ['gunicorn'] });
    expect(r.text).toBe('Django==5.2.17\n');
  });

  it('a re-run with the same answers changes nothing', () => {
    const r = merge(`${NEW}requests==2.32.3\n`, OURS, [SERVER, STATIC, PG]);
    expect(r.text).toBe(`${NEW}requests==2.32.3\n`);
    expect(r).toMatchObject({ added: [], removed: [], conflicts: [] });
  });
});

describe('pyproject.toml dependencies merged by package name', () => {
  const PYPROJECT = [
    '[project]',
    'name = "site1"',
    '# what the site runs',
    'dependencies = [',
    '    "Django>=5.2,<6.0",  # the framework',
    '    "gunicorn==26.2.0",',
    '    "whitenoise==6.8.2",',
    '    "psycopg==3.3.6",',
    '    "requests>=2.31",  # the importer',
    ']',
    '',
  ].join('\n');
  const pyMerge = (text: string, needs: readonly RequirementNeed[], extra: Partial<PackageMergeInput> = {}) =>
    merge(text, OURS, needs, { file: 'pyproject.toml', format: 'pyproject', ...extra });
  const deps = (text: string): unknown => (parseToml(text) as { project: { dependencies: string[] } }).project.dependencies;

  it('a driver swap keeps formatting, comments and the user entries', () => {
    const r = pyMerge(PYPROJECT, [SERVER, STATIC, MYSQL]);
    expect(r.conflicts).toEqual([]);
    expect(r.text).toBe(PYPROJECT.replace('"psycopg==3.3.6"', '"mysqlclient==2.2.7"'));
  });

  it('a database dropped removes only its driver', () => {
    const r = pyMerge(PYPROJECT, [SERVER, STATIC]);
    expect(deps(r.text)).toEqual(['Django>=5.2,<6.0', 'gunicorn==26.2.0', 'whitenoise==6.8.2', 'requests>=2.31']);
    expect(r.text).toContain('# the importer');
  });

  it('an entry the user changed conflicts only when the generator changes it too', () => {
    const edited = PYPROJECT.replace('"gunicorn==26.2.0"', '"gunicorn==23.0.0"');
    expect(pyMerge(edited, [SERVER, STATIC, PG]).text).toBe(edited);
    const r = pyMerge(edited, [UVICORN, STATIC, PG]);
    expect(r.conflicts).toEqual(['pyproject.toml: you changed gunicorn==26.2.0 to gunicorn==23.0.0, and the generator now removes it']);
    expect(r.text).toContain('<<<<<<< your version\n    "gunicorn==23.0.0",\n=======\n    "uvicorn==0.54.0",\n>>>>>>> generator');
  });
});
