/**
 * Inputs that used to end in a stack trace or never end: every one gets one line within a few
 * seconds. Files are read only when they are regular files of a bounded size.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyFolder, expectOneLine, expectRefused, generatedProject, isRoot, projectFrom, runBin, scratch, snapshot } from './support.ts';

/** Every case here must end well within this. */
const QUICK_MS = 8_000;

/** Django and `lines` requirements whose names are `length` characters long: the PEP 508 parser's slowest shape. */
function longRequirements(lines: number, length: number): string {
  return ['Django==5.2.1', ...Array.from({ length: lines }, (_, i) => `p${i}${'x'.repeat(length)}==1.0`)].join('\n');
}

function mkfifo(path: string): void {
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
}

describe('the generator', () => {
  it('.yo-rc.json holding "{"', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(join(dir, '.yo-rc.json'), '{');
    expectRefused(
      dir,
      ['--yes'],
      /^django-docker: \.yo-rc\.json is not valid JSON \(.*\): fix it, or delete it to answer the questions again$/,
    );
  });

  it('.yo-rc.json holding []', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(join(dir, '.yo-rc.json'), '[]');
    expectRefused(dir, ['--yes'], /\.yo-rc\.json must hold a JSON object with the saved answers under "generator-django-docker"/);
  });

  it('.yo-rc.json that is a folder', () => {
    const dir = projectFrom('startproject-postgres');
    mkdirSync(join(dir, '.yo-rc.json'));
    expectRefused(dir, ['--yes'], /\.yo-rc\.json is a folder, not a file/);
  });

  it("the project's package.json is not valid JSON: not ours to read, the run goes on", () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(join(dir, 'package.json'), '{');
    const r = runBin([dir, '--yes']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{');
  });

  it('the folder argument is a file', () => {
    const file = join(scratch(), 'not-a-folder');
    writeFileSync(file, 'x');
    const r = runBin([file, '--yes']);
    expectOneLine(r, /^django-docker: .*not-a-folder is not a folder: give the project folder/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('settings.py that is a named pipe: refused, not waited on', () => {
    const dir = projectFrom('startproject-postgres');
    rmSync(join(dir, 'mysite', 'settings.py'));
    mkfifo(join(dir, 'mysite', 'settings.py'));
    const r = expectRefused(dir, ['--yes'], /mysite\/settings\.py is a named pipe, socket or device, not a file/);
    expect(r.ms).toBeLessThan(QUICK_MS);
  });

  it('requirements.txt that links to /dev/zero: refused, not read forever', () => {
    const dir = projectFrom('startproject-postgres');
    rmSync(join(dir, 'requirements.txt'));
    symlinkSync('/dev/zero', join(dir, 'requirements.txt'));
    const r = expectRefused(dir, ['--yes'], /requirements\.txt is a named pipe, socket or device, not a file/);
    expect(r.ms).toBeLessThan(QUICK_MS);
  });

  it('requirements.txt that is not UTF-8', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(
      join(dir, 'requirements.txt'),
      Buffer.concat([readFileSync(join(dir, 'requirements.txt')), Buffer.from('# r\xe9sum\xe9\n', 'latin1')]),
    );
    expectRefused(dir, ['--yes'], /requirements\.txt line \d+ is not valid UTF-8/);
  });

  it('a 10 MB requirements.txt: refused as too large at once', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(join(dir, 'requirements.txt'), `Django==5.2.1\n${'x'.repeat(80)}==1.0\n`.repeat(120_000));
    const r = expectRefused(
      dir,
      ['--yes'],
      /requirements\.txt is \d+\.\d MB, more than the 2\.0 MB read from one file: give a smaller file$/,
    );
    expect(r.ms).toBeLessThan(QUICK_MS);
  });

  it('a requirements.txt of 1.9 MB in 480 long lines, under the byte and line limits: refused at once, not parsed for half a minute', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(join(dir, 'requirements.txt'), longRequirements(480, 4000));
    const r = expectRefused(
      dir,
      ['--yes'],
      /^django-docker: requirements\.txt and its includes hold more than 128 kB of requirements \(comments and options aside\): give a shorter file$/,
    );
    expect(r.ms).toBeLessThan(QUICK_MS);
  });

  it('pyproject.toml dependencies of 1.9 MB: refused at once', () => {
    const dir = projectFrom('src-pyproject-postgres');
    const deps = Array.from({ length: 480 }, (_, i) => `    "p${i}${'x'.repeat(4000)}==1.0",`).join('\n');
    writeFileSync(
      join(dir, 'pyproject.toml'),
      `[project]\nname = "shop"\nversion = "1"\ndependencies = [\n    "Django~=5.2.0",\n${deps}\n]\n`,
    );
    const r = expectRefused(dir, ['--yes'], /the dependencies of pyproject\.toml hold more than 128 kB of requirements/);
    expect(r.ms).toBeLessThan(QUICK_MS);
  });

  it.skipIf(!isRoot)('an unreadable settings.py (run as another user)', () => {
    const dir = projectFrom('startproject-postgres');
    spawnSync('chown', ['-R', '65534:65534', join(dir, '..')]);
    chmodSync(join(dir, 'mysite', 'settings.py'), 0o000);
    expectRefused(dir, ['--yes'], /^django-docker: cannot read mysite\/settings\.py: permission denied/, 1, {
      uid: 65534,
      gid: 65534,
      env: { HOME: dir },
    });
  });

  it.skipIf(!isRoot)('an unreadable merge base (run as another user)', () => {
    const dir = generatedProject();
    spawnSync('chown', ['-R', '65534:65534', join(dir, '..')]);
    chmodSync(join(dir, '.django-docker', 'base', 'Dockerfile'), 0o000);
    expectRefused(dir, ['--yes', '--port', '9000'], /^django-docker: cannot read \.django-docker\/base\/Dockerfile: permission denied/, 1, {
      uid: 65534,
      gid: 65534,
      env: { HOME: dir },
    });
  });

  it('--answers /dev/zero: refused, not read forever', () => {
    const r = runBin([emptyFolder(), '--yes', '--answers', '/dev/zero']);
    expectOneLine(r, /^django-docker: \/dev\/zero is a device, not a file/);
    expect(r.ms).toBeLessThan(QUICK_MS);
  });

  it('--answers naming a named pipe', () => {
    const fifo = join(scratch(), 'answers.json');
    mkfifo(fifo);
    const r = runBin([emptyFolder(), '--yes', '--answers', fifo]);
    expectOneLine(r, /answers\.json is a named pipe, not a file/);
    expect(r.ms).toBeLessThan(QUICK_MS);
  });

  it('--answers naming a folder', () => {
    const r = runBin([emptyFolder(), '--yes', '--answers', scratch()]);
    expectOneLine(r, /is a folder, not a file/);
  });

  it('--answers that is not JSON', () => {
    const file = join(scratch(), 'answers.json');
    writeFileSync(file, '{ port: 9000 }');
    expectOneLine(runBin([emptyFolder(), '--yes', '--answers', file]), /answers\.json is not valid JSON \(.*\): fix it$/);
  });

  it('--answers of 5 MB', () => {
    const file = join(scratch(), 'answers.json');
    writeFileSync(file, `{ "python": "3.13" ${' '.repeat(5 * 1024 * 1024)}}`);
    expectOneLine(
      runBin([emptyFolder(), '--yes', '--answers', file]),
      /answers\.json is 5\.0 MB, more than the 1\.0 MB read from one file/,
    );
  });
});

describe('django-docker docs', () => {
  it('--out at an existing file', () => {
    const file = join(scratch(), 'page.md');
    writeFileSync(file, 'mine\n');
    expectOneLine(runBin(['docs', '--out', file]), /^django-docker docs: --out .*page\.md is a file, not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });

  it('--out in /proc, where no folder can be made: one line, at once', () => {
    const r = runBin(['docs', '--out', '/proc/django-docker-nope']);
    expectOneLine(r, /^django-docker docs: could not write django-docker-nope\/default\.md: .*; nothing was changed$/);
    expect(r.ms).toBeLessThan(QUICK_MS);
  });

  it('--answers /dev/zero', () => {
    const r = runBin(['docs', '--answers', '/dev/zero', '--out', scratch()]);
    expectOneLine(r, /^django-docker docs: \/dev\/zero is a device, not a file/);
  });

  it('--out into a folder that cannot be written: nothing written', () => {
    const out = join(scratch(), 'pages');
    mkdirSync(out);
    if (isRoot) expect(spawnSync('chattr', ['+i', out]).status).toBe(0);
    else chmodSync(out, 0o555);
    try {
      expectOneLine(runBin(['docs', '--out', out]), /^django-docker docs: cannot write the folder of default\.md: permission denied/);
      expect(snapshot(out)).toEqual([]);
    } finally {
      if (isRoot) spawnSync('chattr', ['-i', out]);
    }
  });
});

describe('django-docker doctor', () => {
  const cases: Array<[string, (dir: string) => void, RegExp]> = [
    ['compose.yaml that is a folder', (d) => mkdirSync(join(d, 'compose.yaml')), /compose\.yaml is a folder, not a file/],
    [
      'compose.yaml that links to /dev/zero',
      (d) => symlinkSync('/dev/zero', join(d, 'compose.yaml')),
      /compose\.yaml is a device, not a file/,
    ],
    [
      '.env that links to /dev/urandom',
      (d) => {
        writeFileSync(join(d, 'compose.yaml'), 'services:\n  web:\n    build: .\n');
        symlinkSync('/dev/urandom', join(d, '.env'));
      },
      /\.env is a device, not a file/,
    ],
    ['a Dockerfile that is a named pipe', (d) => mkfifo(join(d, 'Dockerfile')), /Dockerfile is a named pipe, socket or device, not a file/],
    [
      'a 10 MB requirements.txt',
      (d) => writeFileSync(join(d, 'requirements.txt'), `Django==5.2.1\n${'x'.repeat(80)}==1.0\n`.repeat(120_000)),
      /requirements\.txt is \d+\.\d MB, more than the 2\.0 MB read from one file/,
    ],
    [
      'a requirements.txt of 1.9 MB in 480 long lines',
      (d) => writeFileSync(join(d, 'requirements.txt'), longRequirements(480, 4000)),
      /requirements\.txt and its includes hold more than 128 kB of requirements \(comments and options aside\): give a shorter file$/,
    ],
    [
      'a requirements.txt of 60,000 short lines',
      (d) => writeFileSync(join(d, 'requirements.txt'), Array.from({ length: 60_000 }, (_, i) => `pkg${i}==1.0`).join('\n')),
      /requirements\.txt and its includes hold more than 5000 lines of requirements: give a shorter file/,
    ],
  ];
  for (const [label, make, pattern] of cases) {
    it(label, () => {
      const dir = projectFrom('startproject-postgres');
      make(dir);
      const r = runBin(['doctor', dir]);
      expectOneLine(r, pattern, 2);
      expect(r.ms).toBeLessThan(QUICK_MS);
    });
  }

  it('settings nested 3000 deep: a parse finding, no stack overflow', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(
      join(dir, 'mysite', 'settings.py'),
      `${readFileSync(join(dir, 'mysite', 'settings.py'), 'utf8')}X = ${'('.repeat(3000)}1${')'.repeat(3000)}\n`,
    );
    const r = runBin(['doctor', dir]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^mysite\/settings\.py:\d+: error parse-error: /m);
    expect(r.ms).toBeLessThan(QUICK_MS);
  });

  it('the most requirement text taken (127 kB of long names) costs the doctor a second or two', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(join(dir, 'requirements.txt'), longRequirements(330, 380));
    const small = runBin(['doctor', projectFrom('startproject-postgres')]);
    const r = runBin(['doctor', dir]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^doctor: \d+ errors?/m);
    expect(r.ms - small.ms).toBeLessThan(3_000);
  });

  it('a requirements.txt of 4,000 lines is read in about a second', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(join(dir, 'requirements.txt'), ['Django==5.2.1', ...Array.from({ length: 4000 }, (_, i) => `pkg${i}==1.0`)].join('\n'));
    const small = runBin(['doctor', projectFrom('startproject-postgres')]);
    const r = runBin(['doctor', dir]);
    expect(r.stderr).toBe('');
    // The doctor's own start-up aside, 4,000 requirement lines cost little.
    expect(r.ms - small.ms).toBeLessThan(3_000);
  });
});
