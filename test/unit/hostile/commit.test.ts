/**
 * All-or-nothing runs: a target that cannot be written, a full file system, a signal at any
 * moment of the run. The project is either unchanged or complete, never in between, and the
 * refusal is one line.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitStaged, Interrupted, type StagedWrite } from '../../../generators/common/staged-write.ts';
import { UsageError } from '../../../generators/common/errors.ts';
import {
  canChattr,
  copyOf,
  expectOneLine,
  expectRefused,
  generatedProject,
  isRoot,
  projectFrom,
  runBin,
  runBinKilledAfter,
  runBinSignalledWhileWriting,
  STAGED_TEMP,
  scratch,
  snapshot,
} from './support.ts';

/** Make a path unwritable: chattr +i for root (permission bits do not stop root), chmod otherwise. */
function lockDown(path: string): () => void {
  if (isRoot) {
    expect(spawnSync('chattr', ['+i', path]).status, `chattr +i ${path}`).toBe(0);
    return () => void spawnSync('chattr', ['-i', path]);
  }
  chmodSync(path, 0o555);
  return () => chmodSync(path, 0o755);
}

const chattrWorks = !isRoot || canChattr(scratch());

function smallProject(): { dir: string; writes: StagedWrite[] } {
  const dir = join(scratch(), 'p');
  mkdirSync(join(dir, 'app'), { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), 'FROM old\n');
  writeFileSync(join(dir, 'app', 'settings.py'), 'DEBUG = True\n');
  writeFileSync(join(dir, '.env'), 'OLD=1\n', { mode: 0o640 });
  mkdirSync(join(dir, '.django-docker/base'), { recursive: true });
  writeFileSync(join(dir, '.django-docker/base/requirements.txt'), 'Django\n');
  return {
    dir,
    writes: [
      { rel: 'Dockerfile', contents: Buffer.from('FROM new\n') },
      { rel: 'app/settings_container.py', contents: Buffer.from('from .settings import *\n') },
      { rel: '.django-docker/base/Dockerfile', contents: Buffer.from('FROM new\n') },
      { rel: '.django-docker/base/requirements.txt', contents: null },
      { rel: '.env', contents: Buffer.from('SECRET=x\n'), mode: 0o600 },
    ],
  };
}

describe('staged commit', () => {
  it('writes every file, with the requested mode, and leaves no temporary file', async () => {
    const { dir, writes } = smallProject();
    await commitStaged(dir, writes);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM new\n');
    expect(readFileSync(join(dir, '.django-docker/base/Dockerfile'), 'utf8')).toBe('FROM new\n');
    expect(existsSync(join(dir, '.django-docker/base/requirements.txt'))).toBe(false);
    expect(snapshot(dir).filter((l) => /\.tmp |\.old /.test(l))).toEqual([]);
    expect(snapshot(dir).find((l) => l.startsWith('.env '))).toMatch(/^\.env 600 /);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe('SECRET=x\n');
  });

  it('a signal seen at any step before the switch leaves the folder unchanged', async () => {
    for (let step = 0; step <= 5; step++) {
      const { dir, writes } = smallProject();
      const before = snapshot(dir);
      let polls = 0;
      const err = await commitStaged(dir, writes, () => (polls++ === step ? 'SIGTERM' : undefined)).catch((e: unknown) => e);
      expect(err, `step ${step}`).toBeInstanceOf(Interrupted);
      expect(snapshot(dir), `step ${step}`).toEqual(before);
    }
  });

  it.skipIf(!chattrWorks)('a rename that fails during the switch puts back every file already switched', async () => {
    const { dir, writes } = smallProject();
    const before = snapshot(dir);
    let polls = 0;
    let unlock = (): void => undefined;
    // Poll n comes before the n-th file is prepared: .env (the last) turns immutable after the checks
    // passed, so its rename fails once the three before it are in place.
    const err = await commitStaged(dir, writes, () => {
      if (++polls === writes.length) unlock = lockDown(join(dir, '.env'));
      return undefined;
    }).catch((e: unknown) => e);
    unlock();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('could not write .env: permission denied; nothing was changed');
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('a target that cannot be written', () => {
  it.skipIf(!chattrWorks)('a sub-folder the run writes into is not writable: one line, nothing written', () => {
    const dir = projectFrom('startproject-postgres');
    const unlock = lockDown(join(dir, 'mysite'));
    try {
      expectRefused(
        dir,
        ['--yes'],
        /^django-docker: cannot write the folder of mysite\/settings_container\.py: permission denied; fix the permissions/,
      );
    } finally {
      unlock();
    }
  });

  it.skipIf(!chattrWorks)('one file the re-run changes is not writable: one line, nothing written', () => {
    const dir = generatedProject();
    const unlock = lockDown(join(dir, 'compose.yaml'));
    try {
      expectRefused(dir, ['--yes', '--port', '9000'], /^django-docker: cannot write compose\.yaml: permission denied/);
    } finally {
      unlock();
    }
  });
});

/** Mount a 64 kB tmpfs on a fresh folder; undefined where this process may not (not root, or a restricted container). */
function mountSmallTmpfs(): string | undefined {
  const dir = join(scratch(), 'tmpfs');
  mkdirSync(dir);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status !== 0) return undefined;
  return dir;
}
/** Probed once and unmounted at once: collecting the tests (vitest list, -t) leaves no mount behind. */
const tmpfsWorks = ((): boolean => {
  const probe = isRoot ? mountSmallTmpfs() : undefined;
  if (probe) spawnSync('umount', [probe]);
  return probe !== undefined;
})();

describe('a full file system', () => {
  it.skipIf(!tmpfsWorks)(
    'a 64 kB tmpfs, almost full: refused before the first byte, in one line (skipped where this process may not mount a tmpfs)',
    () => {
      const tmpfs = mountSmallTmpfs();
      expect(tmpfs).toBeDefined();
      try {
        const dir = join(tmpfs!, 'site');
        mkdirSync(dir);
        // Fill most of it, as a disk that is almost full.
        writeFileSync(join(tmpfs!, 'filler'), Buffer.alloc(40 * 1024));
        expectRefused(dir, ['--yes'], /^django-docker: not enough space to write .* kB needed, \d+ kB free; free some space/);
      } finally {
        spawnSync('umount', [tmpfs!]);
      }
    },
  );
});

/**
 * A snapshot without modification times (they differ from a reference run), and for .env only its
 * variable names (every run makes fresh secrets).
 */
function shape(lines: string[]): string[] {
  return lines.map((l) => {
    const [rel, mode, , bytes] = l.split(' ');
    if (bytes === undefined) return l;
    return rel === '.env' ? `.env ${mode} ${Buffer.from(bytes, 'base64').toString().replace(/=.*/g, '=')}` : `${rel} ${mode} ${bytes}`;
  });
}

describe('signals during the run', () => {
  it('SIGINT and SIGTERM at 20 moments of a re-run: the tree is unchanged or complete, and the error is one line', async () => {
    const base = generatedProject([], 'site');
    const args = ['--yes', '--port', '9000', '--database', 'postgres'];
    // The complete result, and how long a whole run takes here.
    const reference = copyOf(base, 'site');
    const full = runBin([reference, ...args]);
    expect(full.status, full.stderr).toBe(0);
    const complete = shape(snapshot(reference));
    const offsets = Array.from({ length: 20 }, (_, i) => Math.round(((full.ms + 300) * (i + 1)) / 20));
    const outcomes: string[] = [];
    for (let i = 0; i < offsets.length; i += 2) {
      const batch = offsets.slice(i, i + 2).map(async (delay, j) => {
        const dir = copyOf(base, 'site');
        const before = snapshot(dir);
        const signal = (i + j) % 2 === 0 ? 'SIGINT' : 'SIGTERM';
        const r = await runBinKilledAfter([dir, ...args], delay, signal);
        const after = snapshot(dir);
        const state =
          JSON.stringify(after) === JSON.stringify(before)
            ? 'unchanged'
            : JSON.stringify(shape(after)) === JSON.stringify(complete)
              ? 'complete'
              : 'BROKEN';
        outcomes.push(`${delay}ms ${signal}: ${state}, ${r.signal ?? r.status}`);
        expect(state, `${signal} at ${delay} ms:\n${r.stderr}`).not.toBe('BROKEN');
        if (r.signal) {
          // Killed before the bin installed its handlers (nothing ran, nothing printed), or while
          // Node was already ending the process after the run, its summary printed.
          if (state === 'unchanged') expect(r.stderr).toBe('');
          else expect(`${r.stdout}${r.stderr}`).toMatch(/^Next: /m);
        } else if (r.status !== 0) {
          expect(r.status).toBe(signal === 'SIGINT' ? 130 : 143);
          if (/nothing was written/.test(r.stderr)) {
            expectOneLine(r, /interrupted by SIG(INT|TERM): nothing was written/, r.status!);
            expect(state).toBe('unchanged');
          } else {
            // After the summary was printed, the signal's line comes last.
            expect(r.stderr.trim().split('\n').at(-1)).toMatch(
              /^django-docker: interrupted by SIG(INT|TERM): every file had already been written$/,
            );
            expect(state).toBe('complete');
          }
        } else expect(state).toBe('complete');
      });
      await Promise.all(batch);
    }
    expect(outcomes).toHaveLength(20);
  }, 180_000);
});

describe('signals while the files are written', () => {
  it('SIGINT or SIGTERM as each file of the commit is prepared: the project is unchanged (and the line says so) or complete', async () => {
    const base = generatedProject([], 'site');
    const args = ['--yes', '--port', '9000', '--database', 'postgres'];
    const reference = copyOf(base, 'site');
    // A run that is never signalled: the complete result, and how many files the commit stages.
    const unsignalled = await runBinSignalledWhileWriting(reference, args, Number.POSITIVE_INFINITY, 'SIGTERM');
    expect(unsignalled.status, unsignalled.stderr).toBe(0);
    const complete = shape(snapshot(reference));
    const files = unsignalled.tempsSeen;
    expect(files).toBeGreaterThanOrEqual(10);
    const outcomes: string[] = [];
    for (let nth = 1; nth <= files; nth += 2) {
      await Promise.all(
        [nth, nth + 1]
          .filter((n) => n <= files)
          .map(async (n) => {
            const dir = copyOf(base, 'site');
            const before = snapshot(dir);
            const signal = n % 2 === 0 ? 'SIGINT' : 'SIGTERM';
            const r = await runBinSignalledWhileWriting(dir, args, n, signal);
            const after = snapshot(dir);
            const state =
              JSON.stringify(after) === JSON.stringify(before)
                ? 'unchanged'
                : JSON.stringify(shape(after)) === JSON.stringify(complete)
                  ? 'complete'
                  : 'BROKEN';
            outcomes.push(`file ${n}/${files} (${r.tempsAtStop ?? '-'} temporary files at the signal) ${signal}: ${state}, ${r.status}`);
            expect(state, `${signal} at file ${n}:\n${r.stderr}`).not.toBe('BROKEN');
            expect(r.signal, r.stderr).toBeNull();
            if (r.tempsAtStop === undefined) {
              // The watcher saw fewer temporary files than this run wrote (its events can merge under
              // load), so no signal was sent: the run is a plain complete one.
              expect(r.status, r.stderr).toBe(0);
              expect(state).toBe('complete');
              return;
            }
            if (r.tempsAtStop === 0) {
              // The watcher's event came after the write phase (a loaded machine): the run is complete,
              // and a signal it still saw is its exit status, its last line saying the files were written.
              expect(state).toBe('complete');
              expect([0, signal === 'SIGINT' ? 130 : 143], r.stderr).toContain(r.status);
              if (r.status !== 0)
                expect(r.stderr.trim().split('\n').at(-1)).toMatch(/interrupted by SIG(INT|TERM): every file had already been written$/);
              return;
            }
            expectOneLine(
              r,
              /interrupted by SIG(INT|TERM): (nothing was written|every file had already been written)$/,
              signal === 'SIGINT' ? 130 : 143,
            );
            expect(state).toBe(/nothing was written/.test(r.stderr) ? 'unchanged' : 'complete');
            expect(after.filter((l) => STAGED_TEMP.test(l.split(' ')[0]!))).toEqual([]);
          }),
      );
    }
    // The signals did land in the write phase, with files prepared, and those runs were undone.
    const undone = outcomes.filter((o) => /\((?!0 |-)\d+ temporary files at the signal\) SIG\w+: unchanged/.test(o));
    expect(undone.length, outcomes.join('\n')).toBeGreaterThanOrEqual(files / 2);
  }, 180_000);
});
