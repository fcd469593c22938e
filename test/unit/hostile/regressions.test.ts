/**
 * Behaviours that used to be wrong: --force throwing away clean merges, raw escape sequences in
 * the doctor's output, compose `include:` ignored, a garbage state.json taken for an edit
 * overlap, --dry-run speaking of files as written.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectRefused, generatedProject, projectFrom, runBin, snapshot } from './support.ts';

function edit(dir: string, file: string, from: string, to: string): void {
  const text = readFileSync(join(dir, file), 'utf8');
  expect(text, `${file} holds ${from}`).toContain(from);
  writeFileSync(join(dir, file), text.replace(from, to));
}

describe('--force', () => {
  it('takes the generator version of the conflicting file only; edits that merge cleanly elsewhere stay', () => {
    const dir = generatedProject([], 'site');
    // A conflict in the Dockerfile (the generator changes the same line) …
    edit(dir, 'Dockerfile', 'EXPOSE 8000', 'EXPOSE 8000 8001');
    // … and an edit in compose.yaml that the port change does not touch.
    edit(dir, 'compose.yaml', '    restart: unless-stopped\n', '    restart: unless-stopped\n    labels:\n      team: web\n');
    const r = runBin([dir, '--yes', '--port', '9000', '--force']);
    expect(r.status, r.stderr).toBe(0);
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('\nEXPOSE 9000\n');
    expect(dockerfile).not.toContain('8001');
    const compose = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    expect(compose).toContain('      team: web\n');
    expect(compose).toContain(':9000"');
  });
});

describe('the doctor', () => {
  it('shows control characters from the project escaped, never raw', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(
      join(dir, 'compose.yaml'),
      'services:\n  web:\n    build:\n      context: .\n      dockerfile: "Docker\\e[2J\\e]0;owned\\afile"\n',
    );
    const r = runBin(['doctor', dir]);
    // eslint-disable-next-line no-control-regex -- the escape sequences a terminal would run
    expect(r.stdout + r.stderr).not.toMatch(/[\u001b\u0007]/);
    expect(r.stdout).toContain('Docker\\x1b[2J\\x1b]0;owned\\x07file');
  });

  it('follows compose include: a mistake in the included file is found', () => {
    const dir = generatedProject([], 'site');
    mkdirSync(join(dir, 'docker'));
    const compose = readFileSync(join(dir, 'compose.yaml'), 'utf8').replace('build: .', 'build: ..').replace('}:8000"', '}:9000"');
    writeFileSync(join(dir, 'docker', 'web.yaml'), compose);
    writeFileSync(join(dir, 'compose.yaml'), 'include:\n  - docker/web.yaml\n');
    const r = runBin(['doctor', dir]);
    expect(r.stdout).toMatch(/^docker\/web\.yaml:\d+: error port-mismatch: .*publishes container port 9000, but gunicorn listens on 8000/m);
  });

  it('reports an include it cannot read instead of passing over it', () => {
    const dir = generatedProject([], 'site');
    writeFileSync(
      join(dir, 'compose.yaml'),
      `include:\n  - oci://registry.example.com/stack:1\n${readFileSync(join(dir, 'compose.yaml'), 'utf8')}`,
    );
    const r = runBin(['doctor', dir]);
    expect(r.stdout).toMatch(
      /^compose\.yaml:2: error parse-error: include oci:\/\/registry\.example\.com\/stack:1 is not a file in the project: the doctor cannot read it/m,
    );
  });
});

describe('a state.json that is not what the generator wrote', () => {
  const garbage =
    /^django-docker: \.django-docker\/state\.json is not valid JSON \(.*\): it records what the generator added to the requirements; restore it/;

  it('is reported as such, not as an overlap of edits', () => {
    const dir = projectFrom('startproject-postgres');
    expect(runBin([dir, '--yes']).status).toBe(0);
    writeFileSync(join(dir, '.django-docker', 'state.json'), '{"addedRequirements": [');
    expectRefused(dir, ['--yes', '--database', 'mysql'], garbage);
  });

  it('--force does not forget what the generator added: refused the same way', () => {
    const dir = projectFrom('startproject-postgres');
    expect(runBin([dir, '--yes']).status).toBe(0);
    writeFileSync(join(dir, '.django-docker', 'state.json'), 'garbage');
    expectRefused(dir, ['--yes', '--database', 'mysql', '--force'], garbage);
  });
});

describe('--dry-run', () => {
  it('says "would write", never "create" or "wrote", with a plain diff legend, and writes nothing', () => {
    const dir = generatedProject([], 'site');
    const before = snapshot(dir);
    const r = runBin([dir, '--yes', '--port', '9000', '--dry-run']);
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/^\s+would write Dockerfile\s+\+\d+ -\d+/m);
    expect(out).not.toMatch(/^\s*(create|wrote|force|identical|skip)\b/m);
    expect(out).not.toMatch(/\bwrote\b|removedadded/);
    expect(out).toContain('Dry run: each changed file as a diff (- as it is now, + as the run would write it):');
    expect(out).toMatch(/^--- Dockerfile\tnow$/m);
    expect(out).toMatch(/^\+\+\+ Dockerfile\tafter the run$/m);
    expect(out).toContain('Dry run: nothing was written.');
    expect(snapshot(dir)).toEqual(before);
  });
});
