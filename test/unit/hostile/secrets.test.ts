/** Secrets stay out of what is committed: .env is the owner's only, index credentials live only there. */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyFolder, expectRefused, projectFrom, runBin, scratch, snapshot } from './support.ts';

/** Every file under a folder except the ones git ignores here (.env and k8s/.env). */
function committed(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      const rel = relative(dir, abs);
      if (e.isDirectory()) walk(abs);
      else if (!/(^|\/)\.env$/.test(rel)) out.set(rel, readFileSync(abs, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('secrets', () => {
  it('.env is created readable by its owner only (0600)', () => {
    const dir = emptyFolder();
    expect(runBin([dir, '--yes']).status).toBe(0);
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
  });

  it('index credentials from a flag land in .env only: compose requires them from there, .yo-rc.json keeps placeholders', () => {
    const dir = projectFrom('startproject-postgres');
    const r = runBin([dir, '--yes', '--pip-index-url', 'https://alice:s3cret@pypi.example.com/simple']);
    expect(r.status, r.stderr).toBe(0);
    for (const [file, text] of committed(dir)) expect(text, file).not.toContain('s3cret');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('PIP_INDEX_URL=https://alice:s3cret@pypi.example.com/simple\n');
    expect(readFileSync(join(dir, 'compose.yaml'), 'utf8')).toContain('PIP_INDEX_URL: "${PIP_INDEX_URL:?set PIP_INDEX_URL in .env');
    expect(readFileSync(join(dir, '.env.example'), 'utf8')).toContain('PIP_INDEX_URL=https://USER:PASSWORD@pypi.example.com/simple\n');
    const saved = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-django-docker'];
    expect(saved.organisation.pipIndexUrl).toBe('https://USER:PASSWORD@pypi.example.com/simple');
    expect(readFileSync(join(dir, 'README.Docker.md'), 'utf8')).toContain(
      '`PIP_INDEX_URL` in `.env` is the package index with its credentials',
    );
    // A re-run from the saved answers changes nothing.
    const before = snapshot(dir);
    expect(runBin([dir, '--yes']).status).toBe(0);
    expect(snapshot(dir)).toEqual(before);
  });

  it('index credentials from the home config: in .env only, and not saved in the project', () => {
    const dir = projectFrom('startproject-postgres');
    const home = scratch();
    writeFileSync(join(home, 'django-docker.config.json'), '{ "pipIndexUrl": "https://bob:t0ken@pypi.example.com/simple" }\n');
    const r = runBin([dir, '--yes'], { env: { HOME: home } });
    expect(r.status, r.stderr).toBe(0);
    for (const [file, text] of committed(dir)) expect(text, file).not.toContain('t0ken');
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain('PIP_INDEX_URL=https://bob:t0ken@pypi.example.com/simple\n');
  });

  it('index credentials in the committed project config: refused', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(join(dir, 'django-docker.config.json'), '{ "pipIndexUrl": "https://alice:s3cret@pypi.example.com/simple" }\n');
    expectRefused(
      dir,
      ['--yes'],
      /"pipIndexUrl" holds credentials, and this file is committed with the project: put the URL in ~\/django-docker\.config\.json or pass --pip-index-url/,
    );
  });
});
