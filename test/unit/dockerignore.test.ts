/**
 * The generated .dockerignore on a src/ layout, read with the doctor's matcher (Docker's rules:
 * patterns anchor at the context root, `**\/` spans folders): local state beside manage.py stays
 * out of the build context, the code the image runs stays in.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerIgnore } from '../../generators/doctor/parse/dockerignore.ts';
import { prepareScenario, readAnswers, readTree, runGenerator } from '../support/scenarios.ts';

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

/** Generate on src-requirements (manage.py in src/) with extra files, and split the tree by the .dockerignore. */
async function contextOf(extra: Record<string, string>): Promise<{ sent: string[]; left: string[] }> {
  const dir = prepareScenario('src-requirements');
  write(dir, extra);
  await runGenerator(dir, readAnswers('src-requirements'));
  const ignore = parseDockerIgnore(readFileSync(join(dir, '.dockerignore'), 'utf8'));
  const all = [...readTree(dir, (rel) => rel === '.django-docker').keys()];
  return { sent: all.filter((f) => !ignore.ignores(f)), left: all.filter((f) => ignore.ignores(f)) };
}

describe('.dockerignore on a src/ layout', () => {
  it('leaves out the SQLite file, uploads, collected static files and bytecode beside manage.py', async () => {
    const { sent, left } = await contextOf({
      'src/db.sqlite3': '',
      'src/db.sqlite3-journal': '',
      'src/media/avatars/me.png': 'png',
      'src/staticfiles/admin/base.css': 'css',
      'src/shop/__pycache__/settings.cpython-311.pyc': '',
      'src/shop/views.pyc': '',
      'db.sqlite3': '',
      'media/old.png': 'png',
    });
    expect(left).toEqual(
      expect.arrayContaining([
        'src/db.sqlite3',
        'src/db.sqlite3-journal',
        'src/media/avatars/me.png',
        'src/staticfiles/admin/base.css',
        'src/shop/__pycache__/settings.cpython-311.pyc',
        'src/shop/views.pyc',
        'db.sqlite3',
        'media/old.png',
      ]),
    );
    // What the image builds and runs is still sent.
    expect(sent).toEqual(
      expect.arrayContaining([
        'src/manage.py',
        'src/requirements.txt',
        'src/shop/settings.py',
        'src/shop/settings_container.py',
        'src/shop/wsgi.py',
        'docker-entrypoint.sh',
      ]),
    );
    expect(sent.filter((f) => /\.sqlite3|__pycache__|\.py[cod]$|(^|\/)(media|staticfiles)\//.test(f))).toEqual([]);
  });

  it('keeps a Django app named media: a Python package is code, not uploads', async () => {
    const { sent } = await contextOf({
      'src/media/__init__.py': '',
      'src/media/models.py': 'from django.db import models\n',
      'src/media/__pycache__/models.cpython-311.pyc': '',
    });
    expect(sent).toEqual(expect.arrayContaining(['src/media/__init__.py', 'src/media/models.py']));
    expect(sent).not.toContain('src/media/__pycache__/models.cpython-311.pyc');
  });
});
