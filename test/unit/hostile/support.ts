/**
 * The hostile-input suite's tools: run the real bin with a time limit, snapshot a folder (names,
 * bytes, modes, mtimes), and check the one-line refusal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { copyScenarioInput, scenariosDir } from '../../support/scenarios.ts';

export const cli = fileURLToPath(new URL('../../../generators/cli.js', import.meta.url));

/** Every run of the bin in this suite must end within this many milliseconds. */
export const RUN_LIMIT_MS = 15_000;

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runBin(args: string[], options: { cwd?: string; uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const t0 = Date.now();
  const r = spawnSync('node', [cli, ...args], {
    encoding: 'utf8',
    input: '',
    timeout: RUN_LIMIT_MS,
    killSignal: 'SIGKILL',
    cwd: options.cwd,
    uid: options.uid,
    gid: options.gid,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** Start the bin and send it `signal` after `delayMs`; resolves when it has ended. */
export function runBinKilledAfter(args: string[], delayMs: number, signal: NodeJS.Signals): Promise<RunResult> {
  const t0 = Date.now();
  const child = spawn('node', [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill(signal), delayMs);
  const guard = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  return new Promise((resolve) =>
    child.on('close', (status, sig) => {
      clearTimeout(timer);
      clearTimeout(guard);
      resolve({ status, signal: sig, stdout, stderr, ms: Date.now() - t0 });
    }),
  );
}

/** The temporary file a commit writes next to its target before the renames. */
export const STAGED_TEMP = /(^|\/)\.[^/]+\.\d+-[0-9a-f]{8}\.tmp$/;

/**
 * Start the bin on `dir` and catch it in its write phase: when the `nth` temporary file of the
 * commit appears, the process is stopped (SIGSTOP), `signal` is sent and it is let go on
 * (SIGCONT), so the signal is handled at that point of the write phase. `tempsAtStop` is how
 * many temporary files were in the project while it stood still (0: the write phase was over);
 * `tempsSeen` how many different ones appeared.
 */
export function runBinSignalledWhileWriting(
  dir: string,
  args: string[],
  nth: number,
  signal: NodeJS.Signals,
): Promise<RunResult & { tempsAtStop: number | undefined; tempsSeen: number }> {
  const t0 = Date.now();
  const child = spawn('node', [cli, dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const temps = new Set<string>();
  let tempsAtStop: number | undefined;
  const watcher = watch(dir, { recursive: true }, (_event, name) => {
    if (tempsAtStop !== undefined || !name || !STAGED_TEMP.test(name)) return;
    temps.add(name);
    if (temps.size < nth) return;
    child.kill('SIGSTOP');
    tempsAtStop = snapshot(dir).filter((l) => STAGED_TEMP.test(l.split(' ')[0]!)).length;
    child.kill(signal);
    child.kill('SIGCONT');
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  return new Promise((resolve) =>
    child.on('close', (status, sig) => {
      watcher.close();
      clearTimeout(guard);
      resolve({ status, signal: sig, stdout, stderr, ms: Date.now() - t0, tempsAtStop, tempsSeen: temps.size });
    }),
  );
}

/** Names, bytes, modes and mtimes of everything under a folder (links as their targets' text). */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const abs = join(d, name);
      const rel = relative(dir, abs);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out.push(`${rel} -> ${readlinkSync(abs)}`);
      else if (st.isDirectory()) {
        out.push(`${rel}/ ${(st.mode & 0o7777).toString(8)}`);
        walk(abs);
      } else if (st.isFile()) {
        out.push(`${rel} ${(st.mode & 0o7777).toString(8)} ${st.mtimeMs} ${readFileSync(abs).toString('base64')}`);
      } else out.push(`${rel} (special)`);
    }
  };
  walk(dir);
  return out;
}

/** A refusal: exit status, exactly one line on stderr (no stack trace), the pattern, within the limit. */
export function expectOneLine(r: RunResult, pattern: RegExp, status = 1): void {
  const lines = r.stderr.trim().split('\n');
  expect(r.signal, r.stderr).toBeNull();
  expect(r.status, r.stderr).toBe(status);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^django-docker( doctor| docs)?: /);
  expect(lines[0]).not.toMatch(/\n\s+at |unexpected error|please report/);
  expect(lines[0]).toMatch(pattern);
  expect(r.ms).toBeLessThan(RUN_LIMIT_MS);
}

/** Run and expect a refusal that leaves `dir` exactly as it was. */
export function expectRefused(
  dir: string,
  args: string[],
  pattern: RegExp,
  status = 1,
  options: Parameters<typeof runBin>[1] = {},
): RunResult {
  const before = snapshot(dir);
  const r = runBin([dir, ...args], options);
  expectOneLine(r, pattern, status);
  expect(snapshot(dir)).toEqual(before);
  return r;
}

export function scratch(prefix = 'dd-hostile-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A copy of a scenario's input project in a fresh folder named `name`. */
export function projectFrom(scenario: string, name = 'proj'): string {
  const dir = join(scratch(), name);
  mkdirSync(dir);
  copyScenarioInput(join(scenariosDir, scenario), dir);
  return dir;
}

export function emptyFolder(name = 'site'): string {
  const dir = join(scratch(), name);
  mkdirSync(dir);
  return dir;
}

/** A project the generator has already written (so a re-run changes files in place). */
export function generatedProject(args: string[] = [], name = 'site'): string {
  const dir = emptyFolder(name);
  const r = runBin([dir, '--yes', ...args]);
  expect(r.status, r.stderr).toBe(0);
  return dir;
}

/** A copy of a folder, times kept. */
export function copyOf(dir: string, name = 'copy'): string {
  const to = join(scratch(), name);
  cpSync(dir, to, { recursive: true, preserveTimestamps: true });
  return to;
}

/** Does `chattr` work on this file system (needed to make folders unwritable for root)? */
export function canChattr(dir: string): boolean {
  const probe = join(dir, '.chattr-probe');
  mkdirSync(probe);
  const ok = spawnSync('chattr', ['+i', probe]).status === 0;
  spawnSync('chattr', ['-i', probe]);
  spawnSync('rmdir', [probe]);
  return ok;
}

export const isRoot = process.getuid?.() === 0;
