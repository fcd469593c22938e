/**
 * Writes stay inside the project: an output that is a link (to a missing file, a file elsewhere,
 * a folder elsewhere) is refused before anything is written, and nothing outside changes.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectRefused, generatedProject, projectFrom, scratch, snapshot } from './support.ts';

describe('outputs that lead out of the project', () => {
  it('a Dockerfile link to a missing file elsewhere: refused, the file is not created', () => {
    const dir = projectFrom('startproject-postgres');
    const target = join(scratch(), 'created-outside');
    symlinkSync(target, join(dir, 'Dockerfile'));
    expectRefused(
      dir,
      ['--yes'],
      /^django-docker: Dockerfile is a symbolic link: the generator never writes through links; replace it with the file itself/,
    );
    expect(existsSync(target)).toBe(false);
  });

  it('a requirements.txt link to a file elsewhere: refused, the file keeps its lines', () => {
    const dir = projectFrom('startproject-postgres');
    const outside = join(scratch(), 'requirements.txt');
    writeFileSync(outside, readFileSync(join(dir, 'requirements.txt')));
    const text = readFileSync(outside, 'utf8');
    rmSync(join(dir, 'requirements.txt'));
    symlinkSync(outside, join(dir, 'requirements.txt'));
    expectRefused(dir, ['--yes'], /requirements\.txt is a symbolic link: the generator never writes through links/);
    expect(readFileSync(outside, 'utf8')).toBe(text);
  });

  it('a .django-docker link to a folder elsewhere: refused, nothing lands there', () => {
    const dir = projectFrom('startproject-postgres');
    const outside = scratch();
    symlinkSync(outside, join(dir, '.django-docker'));
    expectRefused(
      dir,
      ['--yes'],
      /^django-docker: \.django-docker is a symbolic link: the generator keeps its state only inside the project; replace the link with the folder$/,
    );
    expect(snapshot(outside)).toEqual([]);
  });

  it('a settings package that is a link to a folder elsewhere: the container settings are not written there', () => {
    const dir = projectFrom('startproject-postgres');
    const outside = join(scratch(), 'mysite');
    renameSync(join(dir, 'mysite'), outside);
    symlinkSync(outside, join(dir, 'mysite'));
    const before = snapshot(outside);
    expectRefused(
      dir,
      ['--yes'],
      /^django-docker: mysite is a symbolic link to .*, outside the project: the generator writes only inside the project; replace the link with a folder$/,
    );
    expect(snapshot(outside)).toEqual(before);
  });

  it('a link inside the project is not written through either', () => {
    const dir = generatedProject();
    mkdirSync(join(dir, 'docker'));
    renameSync(join(dir, 'compose.yaml'), join(dir, 'docker', 'compose.yaml'));
    symlinkSync('docker/compose.yaml', join(dir, 'compose.yaml'));
    expectRefused(dir, ['--yes', '--port', '9000'], /compose\.yaml is a symbolic link: the generator never writes through links/);
  });

  it('a .yo-rc.json link: refused before Yeoman reads or writes it', () => {
    const dir = projectFrom('startproject-postgres');
    const outside = join(scratch(), 'yo-rc.json');
    writeFileSync(outside, '{}\n');
    symlinkSync(outside, join(dir, '.yo-rc.json'));
    expectRefused(dir, ['--yes'], /\.yo-rc\.json is a symbolic link: the generator never writes through links/);
    expect(readFileSync(outside, 'utf8')).toBe('{}\n');
  });
});

describe('outputs that are not files', () => {
  it('a Dockerfile that is a folder', () => {
    const dir = projectFrom('startproject-postgres');
    mkdirSync(join(dir, 'Dockerfile'));
    expectRefused(
      dir,
      ['--yes'],
      /^django-docker: Dockerfile is a folder, but the generator writes a file there: move it away, then run again$/,
    );
  });

  it('a merge-base file that is a folder', () => {
    const dir = generatedProject();
    const base = join(dir, '.django-docker', 'base', 'Dockerfile');
    rmSync(base);
    mkdirSync(base);
    expectRefused(dir, ['--yes', '--port', '9000'], /\.django-docker\/base\/Dockerfile is a folder, but the generator writes a file there/);
  });
});
