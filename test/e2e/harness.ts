/**
 * End-to-end harness: drives the real `docker` CLI and engine.
 *
 * - every child process has a time bound and is killed when it runs over;
 * - every wait loop has a deadline;
 * - HTTP goes only to 127.0.0.1 and to ports that our own compose projects published
 *   (compose files publish "${WEB_PORT:-<port>}:<port>", and we set WEB_PORT=127.0.0.1:0);
 * - a Stack removes its containers, volumes, networks and built images in destroy().
 *
 * The same `probe()` classifies generated setups and the negative controls, so a harness
 * that cannot tell a broken setup from a good one shows up as a failing test.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { copyScenarioInput, scenariosDir } from '../support/scenario-input.mjs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { satisfies } from '../../generators/facts/versions.ts';

export { scenariosDir };
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const negativeDir = fileURLToPath(new URL('./negative/', import.meta.url));

const MINUTE = 60_000;

// ---------------------------------------------------------------- processes

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  input?: string;
}

/** Runs a command with a hard time bound (SIGKILL at the deadline). Never throws for a non-zero exit. */
export function run(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (err) => {
      stderr += String(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, timedOut, ms: Date.now() - started });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export function describeRun(what: string, r: RunResult): string {
  const tail = (s: string): string => s.trim().split('\n').slice(-25).join('\n');
  return `${what}: exit ${r.code}${r.timedOut ? ' (killed at the time bound)' : ''} after ${r.ms} ms\n--- stdout\n${tail(r.stdout)}\n--- stderr\n${tail(r.stderr)}`;
}

export function docker(args: string[], timeoutMs = MINUTE, input?: string): Promise<RunResult> {
  return run('docker', args, { timeoutMs, input });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a value other than undefined, or the deadline passes (then undefined). */
export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() + everyMs > deadline) return undefined;
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------- HTTP (loopback only)

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/** One HTTP request to 127.0.0.1, bounded in time. Rejects on connection errors and timeouts. */
export function http(url: string, opts: HttpOptions = {}): Promise<HttpResponse> {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1') throw new Error(`test traffic goes to 127.0.0.1 only, not ${u.hostname}`);
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(u.port),
        path: `${u.pathname}${u.search}`,
        method: opts.method ?? 'GET',
        headers: { Connection: 'close', ...(opts.headers ?? {}) },
        timeout: opts.timeoutMs ?? 10_000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${opts.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Cookie jar for a few requests: name → value from Set-Cookie headers. */
export class Cookies {
  private readonly jar = new Map<string, string>();
  take(res: HttpResponse): void {
    const set = res.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  get(name: string): string | undefined {
    return this.jar.get(name);
  }
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

// ---------------------------------------------------------------- generating scenarios with the CLI

type Answer = string | boolean | string[];

export function readAnswers(scenario: string): Record<string, Answer> {
  return JSON.parse(readFileSync(join(scenariosDir, scenario, 'answers.json'), 'utf8')) as Record<string, Answer>;
}

/** answers.json → CLI flags: true → --flag, a string → --flag value, a list → the flag once per value. */
export function answersToFlags(answers: Record<string, Answer>): string[] {
  const flags: string[] = [];
  for (const [key, value] of Object.entries(answers)) {
    if (value === true) flags.push(`--${key}`);
    else if (Array.isArray(value)) for (const v of value) flags.push(`--${key}`, v);
    else if (value !== false) flags.push(`--${key}`, String(value));
  }
  return flags;
}

/**
 * Copies a scenario's input into a fresh temp folder named after the scenario (the project
 * name comes from the folder) and runs the built CLI there, as a user would, without a terminal.
 */
export async function generateScenario(
  scenario: string,
  extra: Record<string, Answer> = {},
): Promise<{ dir: string; root: string; stdout: string }> {
  const cli = join(repoRoot, 'generators', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm run test:e2e does)`);
  const root = mkdtempSync(join(tmpdir(), 'dd-e2e-'));
  const dir = join(root, scenario);
  mkdirSync(dir);
  copyScenarioInput(join(scenariosDir, scenario), dir);
  const r = await run(process.execPath, [cli, dir, ...answersToFlags({ ...readAnswers(scenario), ...extra })], { timeoutMs: MINUTE });
  if (r.code !== 0) throw new Error(describeRun(`django-docker ${scenario}`, r));
  return { dir, root, stdout: r.stdout };
}

/** Copies the shared negative-control app plus one fixture's own files into a fresh temp folder. */
export function prepareFixture(name: string): { dir: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'dd-neg-'));
  const dir = join(root, name);
  cpSync(join(negativeDir, '_app'), dir, { recursive: true });
  cpSync(join(negativeDir, name), dir, { recursive: true });
  return { dir, root };
}

/** Reads KEY=VALUE lines of a .env file (no interpolation; generated files have none). */
export function readDotenv(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m?.[1] && !line.trimStart().startsWith('#')) out.set(m[1], (m[2] ?? '').replace(/^(['"])(.*)\1$/, '$2'));
  }
  return out;
}

// ---------------------------------------------------------------- compose stacks

export interface ContainerState {
  id: string;
  image: string;
  user: string;
  running: boolean;
  restarting: boolean;
  status: string;
  exitCode: number;
  restartCount: number;
  health: string | undefined;
  startedAt: string;
  env: string[];
  exposedPorts: string[];
  mounts: Array<{ Type: string; Name?: string; Destination: string }>;
}

export function uniqueProject(label: string): string {
  return `e2e-${label}-${process.pid}-${randomBytes(3).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
}

export class Stack {
  readonly project: string;
  readonly service: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly files: string[];

  constructor(
    readonly dir: string,
    label: string,
    /** the container port the web service listens on */
    readonly containerPort: number,
    opts: { files?: string[]; service?: string } = {},
  ) {
    this.project = uniqueProject(label);
    this.files = opts.files ?? [];
    this.service = opts.service ?? 'web';
    // Host side of the published port: loopback only, a free port chosen by the engine.
    this.env = { ...process.env, WEB_PORT: '127.0.0.1:0', COMPOSE_PROGRESS: 'plain', BUILDKIT_PROGRESS: 'plain' };
  }

  compose(args: string[], timeoutMs: number): Promise<RunResult> {
    const fileArgs = this.files.flatMap((f) => ['-f', f]);
    return run('docker', ['compose', '-p', this.project, '--project-directory', this.dir, ...fileArgs, ...args], {
      cwd: this.dir,
      env: this.env,
      timeoutMs,
    });
  }

  build(opts: { noCache?: boolean } = {}): Promise<RunResult> {
    return this.compose(['build', ...(opts.noCache ? ['--no-cache'] : [])], 20 * MINUTE);
  }

  /** `up -d --wait`: returns when every service is running and, where it has a healthcheck, healthy. */
  up(waitSeconds = 180): Promise<RunResult> {
    return this.compose(['up', '-d', '--wait', '--wait-timeout', String(waitSeconds)], (waitSeconds + 60) * 1000);
  }

  down(): Promise<RunResult> {
    return this.compose(['down'], 2 * MINUTE);
  }

  async containerId(service = this.service): Promise<string | undefined> {
    const r = await this.compose(['ps', '-a', '-q', service], MINUTE);
    return r.stdout.trim().split('\n')[0] || undefined;
  }

  async state(service = this.service): Promise<ContainerState | undefined> {
    const id = await this.containerId(service);
    if (!id) return undefined;
    const r = await docker(['inspect', id]);
    if (r.code !== 0) return undefined;
    const [c] = JSON.parse(r.stdout) as Array<{
      Id: string;
      Image: string;
      RestartCount: number;
      Config: { User: string; Env: string[]; ExposedPorts?: Record<string, unknown> };
      State: { Status: string; Running: boolean; Restarting: boolean; ExitCode: number; StartedAt: string; Health?: { Status: string } };
      Mounts: Array<{ Type: string; Name?: string; Destination: string }>;
    }>;
    if (!c) return undefined;
    return {
      id: c.Id,
      image: c.Image,
      user: c.Config.User,
      running: c.State.Running,
      restarting: c.State.Restarting,
      status: c.State.Status,
      exitCode: c.State.ExitCode,
      restartCount: c.RestartCount,
      health: c.State.Health?.Status,
      startedAt: c.State.StartedAt,
      env: c.Config.Env,
      exposedPorts: Object.keys(c.Config.ExposedPorts ?? {}),
      mounts: c.Mounts,
    };
  }

  /** http://127.0.0.1:<published port>, read back from the engine. */
  async url(service = this.service, port = this.containerPort): Promise<string | undefined> {
    const r = await this.compose(['port', service, String(port)], MINUTE);
    const m = /^127\.0\.0\.1:(\d+)$/m.exec(r.stdout.trim());
    return r.code === 0 && m ? `http://127.0.0.1:${m[1]}` : undefined;
  }

  exec(cmd: string[], opts: { env?: Record<string, string>; service?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    const envArgs = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    return this.compose(['exec', '-T', ...envArgs, opts.service ?? this.service, ...cmd], opts.timeoutMs ?? 2 * MINUTE);
  }

  async logs(service?: string): Promise<string> {
    const r = await this.compose(['logs', '--no-color', ...(service ? [service] : [])], MINUTE);
    return r.stdout + r.stderr;
  }

  /** Removes everything this project made: containers, networks, volumes, built images. Never throws. */
  async destroy(): Promise<void> {
    try {
      await this.compose(['down', '-v', '--remove-orphans', '--rmi', 'local', '-t', '5'], 3 * MINUTE);
      const label = `label=com.docker.compose.project=${this.project}`;
      const leftovers: Array<[string[], string[]]> = [
        [
          ['ps', '-aq', '--filter', label],
          ['rm', '-f', '-v'],
        ],
        [
          ['volume', 'ls', '-q', '--filter', label],
          ['volume', 'rm', '-f'],
        ],
        [
          ['network', 'ls', '-q', '--filter', label],
          ['network', 'rm'],
        ],
        // built images carry the project label, also the ones a rebuild left untagged
        [
          ['image', 'ls', '-q', '--filter', label],
          ['image', 'rm', '-f'],
        ],
        [
          ['image', 'ls', '-q', '--filter', `reference=${this.project}-*`],
          ['image', 'rm', '-f'],
        ],
      ];
      for (const [list, remove] of leftovers) {
        const ids = (await docker(list)).stdout.split('\n').filter(Boolean);
        if (ids.length) await docker([...remove, ...new Set(ids)], 2 * MINUTE);
      }
    } catch {
      // cleanup is best effort; the test that owns the stack has already reported its result
    }
  }
}

export function removeDir(dir: string | undefined): void {
  if (dir && dir.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- the stage a setup fails at

/** Stages as the failure catalogue names them; `ok` = 200 through the published port. */
export type Stage = 'build' | 'start' | 'reach' | 'serve' | 'ok';

export interface Verdict {
  stage: Stage;
  detail: string;
  status?: number;
  body?: string;
  url?: string;
  logs: string;
}

/**
 * Builds and starts a stack, then asks GET <path> through the published port and says where it
 * stopped: `build` (image build failed), `start` (web container exited, crash-looped or never
 * became healthy), `reach` (running, but no HTTP answer through the published port within
 * reachTimeoutMs), `serve` (answered, but not 200), or `ok`.
 */
export async function probe(stack: Stack, opts: { path?: string; reachTimeoutMs?: number; waitSeconds?: number } = {}): Promise<Verdict> {
  const path = opts.path ?? '/';
  const finish = async (v: Omit<Verdict, 'logs'>): Promise<Verdict> => ({ ...v, logs: await stack.logs() });

  // E2E_NO_CACHE=1 builds without the layer cache, as on a fresh machine (to time a cold run).
  const built = await stack.build({ noCache: process.env.E2E_NO_CACHE === '1' });
  if (built.code !== 0) return { stage: 'build', detail: describeRun('docker compose build', built), logs: built.stdout + built.stderr };

  const up = await stack.up(opts.waitSeconds ?? 180);
  const dead = async (): Promise<string | undefined> => {
    const s = await stack.state();
    if (!s) return 'no web container';
    if (!s.running || s.restarting || s.restartCount > 0)
      return `web container ${s.status}, exit code ${s.exitCode}, ${s.restartCount} restarts`;
    if (s.health === 'unhealthy') return 'web container unhealthy';
    return undefined;
  };
  const early = await dead();
  if (up.code !== 0 || early)
    return finish({ stage: 'start', detail: `${early ?? 'up --wait failed'}\n${describeRun('docker compose up', up)}` });

  const url = await stack.url();
  if (!url) return finish({ stage: 'start', detail: `no published port for ${stack.service}:${stack.containerPort}` });

  let lastError = '';
  let diedBecause: string | undefined;
  const res = await waitFor<HttpResponse>(async () => {
    try {
      return await http(`${url}${path}`, { timeoutMs: 5_000 });
    } catch (err) {
      lastError = (err as Error).message;
      diedBecause = await dead();
      return undefined;
    }
  }, opts.reachTimeoutMs ?? 30_000);
  if (!res) {
    if (diedBecause) return finish({ stage: 'start', detail: diedBecause, url });
    return finish({ stage: 'reach', detail: `no HTTP answer from ${url}${path}: ${lastError}`, url });
  }
  if (res.status !== 200)
    return finish({ stage: 'serve', detail: `GET ${path} answered ${res.status}`, status: res.status, body: res.text, url });
  return finish({ stage: 'ok', detail: `GET ${path} answered 200`, status: 200, body: res.text, url });
}

// ---------------------------------------------------------------- what this machine can run

/** True when the tag is present locally or can be pulled (bounded). */
export async function imageAvailable(tag: string): Promise<boolean> {
  if ((await docker(['image', 'inspect', tag])).code === 0) return true;
  return (await docker(['pull', '-q', tag], 5 * MINUTE)).code === 0;
}

/** The images a generated folder needs: every FROM of its Dockerfile and every `image:` in compose. */
export async function imagesOf(dir: string): Promise<string[]> {
  const froms = [...readFileSync(join(dir, 'Dockerfile'), 'utf8').matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)/gm)].map((m) => m[1]!);
  const r = await run('docker', ['compose', '--project-directory', dir, 'config', '--format', 'json'], { cwd: dir, timeoutMs: MINUTE });
  if (r.code !== 0) throw new Error(describeRun('docker compose config', r));
  const config = JSON.parse(r.stdout) as { services: Record<string, { image?: string; build?: unknown }> };
  const images = Object.values(config.services)
    .filter((s) => !s.build && s.image)
    .map((s) => s.image!);
  return [...new Set([...froms, ...images])];
}

/** The images of a generated folder that are neither here nor pullable. */
export async function missingImages(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const tag of await imagesOf(dir)) if (!(await imageAvailable(tag))) missing.push(tag);
  return missing;
}

/**
 * True when pip inside `image`, with that image's own configuration, finds a binary wheel for
 * `requirement` for the image's Python (one bounded `pip download` in a throwaway container).
 */
export async function wheelAvailable(image: string, requirement: string): Promise<boolean> {
  const r = await docker(
    ['run', '--rm', image, 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '--dest', '/tmp/wheels', requirement],
    3 * MINUTE,
  );
  return r.code === 0;
}

/**
 * True when pip inside `image`, with that image's own configuration, lists a release of a
 * `name<spec>` requirement that matches the spec, binary or source (one bounded `pip index`).
 */
export async function releaseAvailable(image: string, requirement: string): Promise<boolean> {
  const m = /^([A-Za-z0-9._-]+)\s*(.*)$/.exec(requirement.trim());
  if (!m) return false;
  const r = await docker(['run', '--rm', image, 'pip', 'index', 'versions', m[1]!], 3 * MINUTE);
  const versions = /Available versions:\s*(.+)/.exec(r.stdout)?.[1]?.split(/,\s*/) ?? [];
  return versions.some((v) => satisfies(v.trim(), m[2]!));
}

/**
 * Why this machine cannot build and run a scenario, or undefined when it can: generates it once,
 * then checks that every image it names is here or pullable, that pip in the base image finds
 * each tool the builder stage pip-installs by name (poetry, uv, pipenv), and any extra binary
 * wheels or releases the caller names. Environment limits only; the generator's own failures still fail.
 */
export async function cannotRun(
  scenario: string,
  opts: { wheels?: string[]; releases?: string[]; extra?: Record<string, Answer> } = {},
): Promise<string | undefined> {
  const gen = await generateScenario(scenario, opts.extra);
  try {
    const missing = await missingImages(gen.dir);
    if (missing.length) return `image ${missing.join(', ')} is not on this machine and cannot be pulled`;
    const dockerfile = readFileSync(join(gen.dir, 'Dockerfile'), 'utf8');
    const base = /^FROM\s+(\S+)/m.exec(dockerfile)?.[1] ?? '';
    const tools = [...dockerfile.matchAll(/pip install\s+"([^"]+)"/g)].map((m) => m[1]!);
    for (const req of [...tools, ...(opts.wheels ?? [])])
      if (!(await wheelAvailable(base, req))) return `pip in ${base} finds no wheel for ${req} in the package index it is configured with`;
    for (const req of opts.releases ?? [])
      if (!(await releaseAvailable(base, req)))
        return `pip in ${base} finds no release of ${req} in the package index it is configured with`;
    return undefined;
  } finally {
    removeDir(gen.root);
  }
}
