/**
 * Projects written the way real ones are (django-environ schemes, an entrypoint whose CRLF the
 * Dockerfile strips, a compose bind mount of the code), to keep the doctor from reporting what
 * is fine and from missing what is not.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProject } from '../../../generators/doctor/doctor.ts';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-real-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const base = {
  'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\n',
  'config/__init__.py': '',
  'config/wsgi.py': 'application = None\n',
  'requirements.txt': 'django==5.2.1\ngunicorn==23.0.0\ndjango-environ==0.12.0\nwhitenoise==6.8.2\npsycopg[binary]==3.2.9\n',
  '.dockerignore': '.git\n.env\n',
  'compose.yaml': [
    'services:',
    '  django:',
    '    build: .',
    '    ports: ["5000:5000"]',
    '    environment:',
    '      DATABASE_URL: postgres://app:s3cret@postgres:5432/app',
    '      DJANGO_SECRET_KEY: not-a-real-key',
    '    depends_on:',
    '      postgres: {condition: service_healthy}',
    '  postgres:',
    '    image: postgres:17',
    '    environment: {POSTGRES_USER: app, POSTGRES_PASSWORD: s3cret, POSTGRES_DB: app}',
    '    healthcheck:',
    '      test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "app"]',
    '',
  ].join('\n'),
  Dockerfile: [
    'FROM python:3.12-slim-bookworm',
    'ENV PYTHONUNBUFFERED=1',
    'COPY requirements.txt /tmp/requirements.txt',
    'RUN pip install --no-cache-dir -r /tmp/requirements.txt',
    'COPY ./entrypoint /entrypoint',
    'RUN sed -i "s/\\r$//g" /entrypoint && chmod +x /entrypoint',
    'WORKDIR /app',
    'COPY . /app',
    'RUN DJANGO_SECRET_KEY=x DATABASE_URL=sqlite:////tmp/build.db python manage.py collectstatic --noinput',
    'RUN useradd --uid 1000 django',
    'USER django',
    'ENTRYPOINT ["/entrypoint"]',
    'CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:5000", "--worker-tmp-dir", "/dev/shm"]',
    '',
  ].join('\n'),
  entrypoint: '#!/bin/bash\r\nset -o errexit\r\nexec "$@"\r\n',
  'config/settings.py': [
    'import environ',
    'env = environ.Env(DEBUG=(bool, False))',
    'DEBUG = env("DEBUG")',
    'ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost"])',
    'SECRET_KEY = env("DJANGO_SECRET_KEY")',
    'DATABASES = {"default": env.db("DATABASE_URL")}',
    'INSTALLED_APPS = ["django.contrib.staticfiles"]',
    'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "whitenoise.middleware.WhiteNoiseMiddleware"]',
    'STATIC_ROOT = "/app/staticfiles"',
    '',
  ].join('\n'),
};

describe('doctor on projects written the usual ways', () => {
  it('django-environ schemes, a CR-stripping RUN and dj-database-url style URLs give no false alarm', async () => {
    const r = await checkProject(project(base));
    // …while the same project without the build-time DATABASE_URL is caught: env.db() has no default.
    const noUrl = await checkProject(
      project({ ...base, Dockerfile: base.Dockerfile.replace(' DATABASE_URL=sqlite:////tmp/build.db', '') }),
    );
    expect(noUrl.findings.filter((f) => f.rule === 'build-time-env-required').map((f) => `${f.file}:${f.line}`)).toEqual(['Dockerfile:9']);
    expect(r.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule} ${f.file}:${f.line}`)).toEqual([]);
  });

  it('the database URL host is compared with compose service names', async () => {
    const compose = base['compose.yaml'].replace('@postgres:5432', '@localhost:5432');
    const r = await checkProject(project({ ...base, 'compose.yaml': compose }));
    expect(r.findings.filter((f) => f.rule === 'db-host-localhost').map((f) => `${f.file}:${f.line}`)).toEqual(['compose.yaml:6']);
  });

  it('an entrypoint the Dockerfile never copies is reported at the ENTRYPOINT line', async () => {
    const dockerfile = base.Dockerfile.replace('COPY ./entrypoint /entrypoint\n', '').replace(
      'RUN sed -i "s/\\r$//g" /entrypoint && chmod +x /entrypoint\n',
      '',
    );
    const r = await checkProject(project({ ...base, Dockerfile: dockerfile }));
    const f = r.findings.find((x) => x.rule === 'workdir-copy-mismatch');
    expect(f && `${f.file}:${f.line}`).toBe('Dockerfile:10');
    expect(f?.message).toContain('/entrypoint');
  });

  it('a bind mount of the code counts as the code being there (and does not hide a venv outside it)', async () => {
    const compose = base['compose.yaml'].replace('    depends_on:', '    volumes:\n      - .:/app\n    depends_on:');
    const r = await checkProject(project({ ...base, 'compose.yaml': compose }));
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('Pipfile and Poetry dependencies are read when the image installs from a lock', async () => {
    const pipfile =
      '[packages]\ndjango = "~=5.2.0"\ngunicorn = "*"\ndjango-environ = "*"\nwhitenoise = "*"\n\n[dev-packages]\npytest = "*"\n';
    const dockerfile = base.Dockerfile.replace(
      'COPY requirements.txt /tmp/requirements.txt\nRUN pip install --no-cache-dir -r /tmp/requirements.txt',
      'COPY Pipfile Pipfile.lock ./\nRUN pip install pipenv && pipenv install --deploy --system',
    );
    const { 'requirements.txt': _drop, ...rest } = base;
    void _drop;
    const r = await checkProject(project({ ...rest, Dockerfile: dockerfile, Pipfile: pipfile, 'Pipfile.lock': '{}' }));
    expect(r.findings.filter((f) => f.rule === 'missing-python-dep').map((f) => `${f.file}:${f.line}`)).toEqual(['config/settings.py:6']);
    const poetry = '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.12"\nDjango = "~4.1"\n';
    const old = await checkProject(project({ ...rest, 'pyproject.toml': poetry }));
    expect(old.findings.filter((f) => f.rule === 'python-django-mismatch').map((f) => `${f.file}:${f.line}`)).toEqual(['Dockerfile:1']);
  });
});
