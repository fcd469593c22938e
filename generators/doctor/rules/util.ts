/**
 * Shared helpers for the rules: the reporting context, image facts (Python version, Debian
 * release, what the base image already has), settings lookups, Django version tables.
 */
import { posix } from 'node:path';
import { RULE_BY_ID, type Severity } from '../catalogue.ts';
import type { Loaded } from '../load.ts';
import type { Finding, Where } from '../types.ts';
import { allInstalls, type DockerfileModel, lineage, type Stage } from '../parse/dockerfile-model.ts';
import { type Binding, dictGet, strOf, type Val } from '../../project/python-eval.ts';
import { normaliseName, type Requirement } from '../../project/requirements.ts';
import { LOCK_MANAGERS, type LockManager, lockedVersions } from '../../project/managers.ts';
import { installedClosure } from '../../facts/dependencies.ts';
import {
  ALL_DJANGO_LINES,
  compareVersions,
  DEBIAN_RELEASES,
  debianRelease,
  DEFAULT_DEBIAN,
  djangoLinesForSpec,
  NEWEST_PYTHON,
} from '../../facts/versions.ts';

export interface Ctx {
  p: Loaded;
  report(rule: string, where: Where, message: string, fix: string, severity?: Severity): void;
}

export type RuleFn = (ctx: Ctx) => void;

export function makeCtx(p: Loaded, out: Finding[]): Ctx {
  return {
    p,
    report(rule, where, message, fix, severity) {
      const info = RULE_BY_ID.get(rule);
      if (!info) throw new Error(`unknown rule ${rule}`);
      out.push({ rule, severity: severity ?? info.severity, file: where.file, line: Math.max(1, where.line), message, fix });
    },
  };
}

// ---------------------------------------------------------------- images

export interface ImageFacts {
  stage: Stage;
  /** The stage whose FROM names a real image. */
  root: Stage;
  imageName: string;
  tag: string;
  isPython: boolean;
  /** X.Y, when the tag names it (or assumed for floating tags). */
  python?: string;
  pythonAssumed: boolean;
  codename?: string;
  codenameAssumed: boolean;
  variant: 'slim' | 'alpine' | 'full' | 'distroless' | 'other';
  os: 'debian' | 'ubuntu' | 'alpine' | 'other';
}

export function imageFacts(model: DockerfileModel, stage: Stage): ImageFacts {
  const root = lineage(model, stage)[0]!;
  const tag = root.tag ?? 'latest';
  const name = root.imageName;
  const isPython = name === 'python';
  const m = /^(\d+)\.(\d+)/.exec(tag);
  const codename = DEBIAN_RELEASES.find((d) => tag.includes(d.codename))?.codename;
  const alpine = /alpine/.test(tag) || name === 'alpine';
  const distroless = /distroless/.test(name);
  const variant: ImageFacts['variant'] = alpine
    ? 'alpine'
    : distroless
      ? 'distroless'
      : /slim/.test(tag)
        ? 'slim'
        : isPython
          ? 'full'
          : 'other';
  const os: ImageFacts['os'] = alpine ? 'alpine' : name === 'ubuntu' ? 'ubuntu' : isPython || name === 'debian' ? 'debian' : 'other';
  const facts: ImageFacts = {
    stage,
    root,
    imageName: name,
    tag,
    isPython,
    pythonAssumed: false,
    codenameAssumed: false,
    variant,
    os,
  };
  if (isPython) {
    if (m) facts.python = `${m[1]}.${m[2]}`;
    else {
      facts.python = NEWEST_PYTHON;
      facts.pythonAssumed = true;
    }
  }
  if (codename) facts.codename = codename;
  else if (os === 'debian' && !alpine) {
    // `debian:12` names its release by number; any other tag without a codename means today's stable.
    const byNumber = name === 'debian' && /^\d+/.test(tag) ? debianRelease(tag.split(/[.-]/)[0]!) : undefined;
    facts.codename = byNumber?.codename ?? DEFAULT_DEBIAN;
    facts.codenameAssumed = true;
  }
  return facts;
}

/** Packages the official full `python:X.Y` (buildpack-deps) image already has. */
const FULL_PYTHON_HAS = new Set([
  'gcc',
  'g++',
  'make',
  'build-essential',
  'libc6-dev',
  'libpq-dev',
  'libpq5',
  'default-libmysqlclient-dev',
  'libmariadb-dev',
  'libmariadb3',
  'pkg-config',
  'pkgconf',
  'libjpeg-dev',
  'zlib1g-dev',
  'libpng-dev',
  'libffi-dev',
  'libssl-dev',
  'libxml2-dev',
  'libxslt-dev',
  'curl',
  'wget',
  'git',
  'bash',
]);

/** Names installed by apt/apk in a stage's lineage, plus what its base image has. */
export function packagesOf(model: DockerfileModel, stage: Stage): Set<string> {
  const facts = imageFacts(model, stage);
  const set = new Set(allInstalls(model, stage).map((p) => p.name));
  if (facts.variant === 'full') for (const p of FULL_PYTHON_HAS) set.add(p);
  if (facts.os === 'alpine') set.add('wget'); // busybox
  if (facts.os !== 'other' || facts.isPython) set.add('sh');
  if (facts.os === 'debian' || facts.os === 'ubuntu') set.add('bash');
  // -dev packages pull in their runtime libraries.
  if (set.has('libpq-dev')) set.add('libpq5');
  if (set.has('default-libmysqlclient-dev') || set.has('libmariadb-dev') || set.has('libmariadb-dev-compat')) set.add('libmariadb3');
  if (set.has('build-essential')) for (const p of ['gcc', 'g++', 'make', 'libc6-dev']) set.add(p);
  if (set.has('build-base')) for (const p of ['gcc', 'g++', 'make', 'musl-dev']) set.add(p);
  if (set.has('pkgconf')) set.add('pkg-config');
  if (set.has('postgresql-dev') || set.has('libpq-dev')) set.add('libpq');
  return set;
}

/**
 * Whether `packagesOf` is the whole story for a stage: the base image is one whose contents are
 * known, no install names an unresolved build variable, and nothing is copied in from another image.
 */
export function packagesKnown(model: DockerfileModel, stage: Stage): { known: boolean; why?: string } {
  const facts = imageFacts(model, stage);
  const stageNames = new Set(model.stages.flatMap((s) => [s.name?.toLowerCase(), String(s.index)]));
  const lin = lineage(model, stage);
  if (!facts.isPython && !['debian', 'ubuntu', 'alpine'].includes(facts.imageName) && facts.variant !== 'distroless')
    return { known: false, why: `the doctor does not know what ${facts.root.image} contains` };
  if (lin.some((s) => s.openInstalls))
    return { known: false, why: 'an install in the Dockerfile names a build variable the doctor cannot resolve' };
  const foreign = lin.flatMap((s) => s.copies).find((c) => c.from !== undefined && !stageNames.has(c.from.toLowerCase()));
  if (foreign) return { known: false, why: `files are copied in from ${foreign.from} (line ${foreign.line})` };
  return { known: true };
}

export function hasAny(set: Set<string>, names: string[]): boolean {
  return names.some((n) => set.has(n));
}

export const COMPILERS = ['gcc', 'build-essential', 'build-base', 'clang', 'g++', 'cc'];

// ---------------------------------------------------------------- requirements

export interface ReqView {
  requirements: Requirement[];
  /** Names installed on pip command lines. */
  direct: string[];
  /** File to add a missing distribution to. */
  entry?: string;
  /** Taken from what the Dockerfile installs (true) or guessed from the project (false). */
  traced: boolean;
  /** Everything the image gets, dependencies included, when that is known (a lock, or known requirements). */
  closure: Set<string>;
  /** Installed distributions whose own dependencies are not known: they may bring anything. */
  unknownDeps: string[];
  /** A pip line names a variable the build does not define. */
  open: boolean;
  /** The lock file the closure comes from. */
  lock?: string;
}

function rootLock(p: Loaded): { file: string; names: Set<string> } | undefined {
  for (const manager of Object.keys(LOCK_MANAGERS) as LockManager[]) {
    const file = LOCK_MANAGERS[manager].lock;
    if (!p.files.isFile(file)) continue;
    try {
      return { file, names: new Set(lockedVersions(p.files.root, manager).keys()) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function view(
  p: Loaded,
  requirements: Requirement[],
  direct: string[],
  entry: string | undefined,
  traced: boolean,
  open: boolean,
  lock: { file: string; names: Set<string> } | undefined,
): ReqView {
  const all = [...requirements.map((r) => ({ name: r.name, extras: r.extras })), ...direct.map((name) => ({ name, extras: [] }))];
  const { names, unknown } = installedClosure(all);
  if (lock) for (const n of lock.names) names.add(n);
  // pip-compile and uv pip compile write every dependency down: such a file is its own closure.
  const files = [...new Set(requirements.map((r) => r.file))];
  const compiled =
    files.length > 0 &&
    direct.length === 0 &&
    files.every((f) => /autogenerated by pip-compile|uv pip compile|uv export/.test(p.files.text(f)?.slice(0, 2000) ?? ''));
  if (compiled) unknown.length = 0;
  return {
    requirements,
    direct,
    ...(entry ? { entry } : {}),
    traced,
    closure: names,
    unknownDeps: lock ? [] : unknown,
    open,
    ...(lock ? { lock: lock.file } : {}),
  };
}

export function requirementsView(p: Loaded): ReqView | undefined {
  const cleanDirect = (ds: Array<{ name: string }>): string[] => ds.map((d) => normaliseName(d.name.replace(/[[=<>~!;].*$/, '')));
  if (p.installed?.known) {
    return view(
      p,
      p.installed.requirements,
      cleanDirect(p.installed.direct),
      p.installed.files[0],
      true,
      p.installed.open,
      p.installed.lock,
    );
  }
  if (p.projectRequirements && p.projectRequirements.files.length > 0) {
    return view(
      p,
      p.projectRequirements.requirements,
      cleanDirect(p.installed?.direct ?? []),
      p.projectRequirements.files[0],
      false,
      p.installed?.open ?? false,
      p.installed?.lock ?? rootLock(p),
    );
  }
  return undefined;
}

export function hasDist(view: ReqView, name: string): boolean {
  const n = normaliseName(name);
  return view.requirements.some((r) => r.name === n) || view.direct.includes(n);
}

/** Whether the image gets a distribution: listed, brought by a listed one, or (not knowable) maybe. */
export function installs(view: ReqView, name: string): 'yes' | 'no' | 'maybe' {
  const n = normaliseName(name);
  if (hasDist(view, n) || view.closure.has(n)) return 'yes';
  if (!view.traced || view.open || view.unknownDeps.length > 0) return 'maybe';
  return 'no';
}

/** What kept `installs` from a firm answer, for a warning's message. */
export function installsUnknown(view: ReqView): string {
  if (!view.traced) return `the doctor could not trace what the image installs, and judged from ${view.entry ?? 'the project files'}`;
  if (view.open) return 'a pip line in the Dockerfile names a build variable the doctor cannot resolve';
  const names = view.unknownDeps.slice(0, 3).join(', ');
  return `unless ${names}${view.unknownDeps.length > 3 ? ' or another installed package' : ''} brings it (the doctor does not read ${view.unknownDeps.length > 1 ? 'their' : 'its'} own dependencies)`;
}

export function findReq(view: ReqView, name: string): Requirement | undefined {
  const n = normaliseName(name);
  return view.requirements.find((r) => r.name === n);
}

export function pinnedVersion(r: Requirement): string | undefined {
  const m = /^===?([\w.]+)$/.exec(r.spec);
  return m?.[1];
}

export function djangoSpec(p: Loaded): { spec?: string; where?: Where } {
  const view = requirementsView(p);
  const r = view ? findReq(view, 'django') : undefined;
  if (!r) return {};
  return { ...(r.spec ? { spec: r.spec } : {}), where: { file: r.file, line: r.line } };
}

/** Whether every Django the requirements allow is at least `version` (unpinned means the newest); undefined when not known. */
export function djangoAtLeast(p: Loaded, version: string): boolean | undefined {
  const view = requirementsView(p);
  const r = view ? findReq(view, 'django') : undefined;
  if (!r) return undefined;
  if (!r.spec) return true;
  const lines = djangoLinesForSpec(r.spec, ALL_DJANGO_LINES);
  if (lines.length === 0) return undefined;
  if (lines.every((l) => compareVersions(l.line, version) >= 0)) return true;
  if (lines.every((l) => compareVersions(l.line, version) < 0)) return false;
  return undefined;
}

// ---------------------------------------------------------------- settings

export function setting(p: Loaded, name: string, mode: 'concrete' | 'symbolic' = 'concrete'): Binding | undefined {
  const s = p.settings;
  if (!s || !s.file) return undefined;
  return (mode === 'concrete' ? s.concrete : s.symbolic).names.get(name);
}

export function settingsLoaded(p: Loaded): boolean {
  return Boolean(p.settings?.file) && (p.settings?.symbolic.errors.length ?? 0) === 0;
}

export function strings(v: Val | undefined): { items: string[]; open: boolean } | undefined {
  if (v?.k !== 'list') return undefined;
  const items = v.items.flatMap((i) => (i.k === 'str' ? [i.v] : []));
  return { items, open: Boolean(v.open) || items.length !== v.items.length };
}

export function databaseDefault(p: Loaded): { value: Val; binding: Binding } | undefined {
  const b = setting(p, 'DATABASES');
  const d = dictGet(b?.value, 'default');
  return b && d ? { value: d, binding: b } : undefined;
}

export function engineOf(p: Loaded): string | undefined {
  return strOf(dictGet(databaseDefault(p)?.value, 'ENGINE'));
}

export function where(b: Binding): Where {
  return { file: b.file, line: b.line };
}

/** Where a concrete settings value came from: the compose/Dockerfile line that set its variable, else the settings line. */
export function originOf(p: Loaded, name: string, sub?: string[]): Where | undefined {
  const sym = setting(p, name, 'symbolic');
  const con = setting(p, name, 'concrete');
  if (!sym || !con) return con ? where(con) : undefined;
  let v: Val | undefined = sym.value;
  for (const k of sub ?? []) {
    if (v?.k === 'env') break;
    v = dictGet(v, k);
  }
  if (v?.k === 'env') {
    const w = p.runtimeEnvWhere.get(v.name);
    if (w && p.runtimeEnv.has(v.name)) return w;
  }
  return where(sym);
}

// ---------------------------------------------------------------- misc

export function isLoopback(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', 'ip6-localhost'].includes(host) || host.startsWith('127.');
}

export function imageVenv(p: Loaded): string | undefined {
  const venv = p.runtimeEnv.get('VIRTUAL_ENV');
  if (venv) return posix.normalize(venv);
  const first = (p.runtimeEnv.get('PATH') ?? '').split(':')[0] ?? '';
  if (/\/bin$/.test(first) && /venv|virtualenv/.test(first)) return posix.dirname(first);
  return undefined;
}

/** Effective user of the app container: compose `user:` over the Dockerfile's last USER. */
export function effectiveUser(p: Loaded): { user: string; where?: Where } {
  if (p.app?.user) return { user: p.app.user.value, where: { file: p.app.user.file, line: p.app.user.line } };
  const df = p.dockerfile;
  if (!df) return { user: 'root' };
  let found: { user: string; line: number } | undefined;
  for (const s of lineage(df, df.final)) if (s.users.length) found = s.users.at(-1);
  return found ? { user: found.user, where: { file: df.path, line: found.line } } : { user: 'root' };
}

const DROPPERS = new Set(['gosu', 'su-exec', 'setpriv', 's6-setuidgid', 'setuidgid', 'chpst', 'runuser', 'su', 'sudo', 'chroot']);

/**
 * The process starts as root and switches user before the app runs: gosu/su-exec/setpriv/s6 in
 * the entrypoint or command, s6-overlay's /init, or the server's own --user/--uid.
 */
export function privilegeDrop(p: Loaded): { tool: string; where: Where } | undefined {
  const check = (words: string[], where: Where): { tool: string; where: Where } | undefined => {
    for (let i = 0; i < words.length; i++) {
      const tool = (words[i] ?? '').split('/').pop()!;
      if (!DROPPERS.has(tool)) continue;
      const rest = words.slice(i + 1);
      if (tool === 'setpriv' && !rest.some((w) => w.startsWith('--reuid') || w.startsWith('--ruid'))) continue;
      if (tool === 'chpst' && !rest.includes('-u')) continue;
      if (tool === 'sudo' && !rest.includes('-u')) continue;
      if (tool === 'chroot' && !rest.some((w) => w.startsWith('--userspec'))) continue;
      if (tool === 'su' && !rest.some((w) => w === '-c' || w === '-s' || w === '-')) continue;
      return { tool, where };
    }
    return undefined;
  };
  const c = p.command;
  const script = c.script;
  if (script)
    for (const cmd of script.commands) {
      const found = check(
        cmd.words.map((w) => w.text),
        { file: script.file, line: 1 + script.text.slice(0, cmd.start).split('\n').length - 1 },
      );
      if (found) return found;
    }
  for (const form of [c.entrypoint, c.cmd]) {
    if (!form) continue;
    const argv = form.form === 'exec' ? form.argv : ['/bin/sh', '-c', form.text];
    const words = argv[1] === '-c' && argv[2] ? argv.slice(0, 2).concat(argv[2].split(/\s+/)) : argv;
    const found = check(words, { file: form.file, line: form.line });
    if (found) return found;
    if (form === c.entrypoint && argv[0] === '/init') return { tool: 's6-overlay', where: { file: form.file, line: form.line } };
  }
  const server = c.server;
  if (server && server.argv.some((a, i) => ['-u', '--user', '--uid', '--setuid'].includes(a) && server.argv[i + 1]))
    return { tool: `${server.kind} --user`, where: server.where };
  return undefined;
}

export function isRootUser(user: string): boolean {
  const name = user.split(':')[0]!.trim();
  return name === '' || name === 'root' || name === '0';
}

/** Parse `512m`, `1g`, `1GiB`, bytes → bytes. */
export function parseMemory(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(s.trim());
  if (!m) return undefined;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Number(m[1]) * mult;
}
