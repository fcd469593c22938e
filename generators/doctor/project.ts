/**
 * Everything the rules compare, read once: the Dockerfile and its final stage, where each
 * image path comes from in the build context, the compose services and the environment the
 * app container gets, the command the container really runs (through entrypoint scripts),
 * the settings module evaluated under that environment, and the requirements the image installs.
 */
import { posix } from 'node:path';
import { type ComposeModel, type ComposeService } from './parse/compose-model.ts';
import { type DockerIgnore } from './parse/dockerignore.ts';
import { type CommandForm, type DfCopy, type DockerfileModel, lineage, type Stage } from './parse/dockerfile-model.ts';
import { type ProjectFiles } from '../project/files.ts';
import { type EvalResult } from '../project/python-eval.ts';
import { type Requirement } from '../project/requirements.ts';
import { expandVariables, lexShell, type SimpleCommand } from './parse/shell-words.ts';
import type { SettingsFacts } from './settings-facts.ts';
import type { Finding, Where } from './types.ts';

export interface ServerInfo {
  kind: 'gunicorn' | 'uvicorn' | 'daphne' | 'hypercorn' | 'runserver' | 'waitress' | 'uwsgi' | 'other';
  argv: string[];
  where: Where;
  /** Where the command text is: 'cmd', 'entrypoint', 'compose-command', 'script'. */
  origin: string;
  /** Options by name (last value wins; `binds` keeps every --bind). */
  binds: string[];
  app?: string;
  chdir?: string;
  pythonpath: string[];
  workers?: number;
  workerTmpDir?: string;
  settingsFlag?: string;
  /** The bind the server ends up with. */
  bind?: { host: string; port?: number; explicit: boolean; source: string };
}

export interface EffectiveCommand {
  /** What the container execs, entrypoint then command, after shell-form wrapping. */
  entrypoint?: CommandForm & Where & { origin: 'Dockerfile' | 'compose' };
  cmd?: CommandForm & Where & { origin: 'Dockerfile' | 'compose' };
  /** Entrypoint script read from the context, if the entrypoint runs one. */
  script?: { file: string; imagePath: string; text: string; commands: SimpleCommand[]; execsArgs: boolean; runDirectly: boolean };
  /** The entrypoint names a script that is neither copied into the image nor bind-mounted. */
  scriptMissing?: { imagePath: string; arg: string };
  server?: ServerInfo;
}

export interface HealthProbe {
  where: Where;
  origin: 'Dockerfile' | 'compose';
  /** First executable run. */
  tool?: string;
  words: string[];
  url?: { host: string; port: number; path: string; scheme: string };
  /** Host header set explicitly. */
  hostHeader?: string;
}

export interface InstalledRequirements {
  /** Requirement files read (context paths). */
  files: string[];
  requirements: Requirement[];
  /** Names installed on the pip command line. */
  direct: Array<{ name: string; line: number }>;
  /** Stage indexes that run pip. */
  pipStages: number[];
  /** pip install lines found at all. */
  known: boolean;
  /** Each pip install: its stage, line and the requirement files it read. */
  installs: Array<{ stage: number; line: number; files: string[]; direct: string[] }>;
  /** A pip line names a variable the build does not define: more may be installed. */
  open: boolean;
  /** The lock file the build installs from, with every distribution it locks (dependencies included). */
  lock?: { file: string; names: Set<string> };
}

export interface SettingsInfo {
  module: string;
  file: string;
  /** Where DJANGO_SETTINGS_MODULE comes from. */
  source: Where & { how: string };
  symbolic: EvalResult;
  concrete: EvalResult;
  /** What the evaluation cannot see: names set out of its sight, .env files the settings load. */
  facts: SettingsFacts;
  /** The settings evaluated under another environment (a build step's). */
  evaluate(env: ReadonlyMap<string, string | undefined>): Promise<EvalResult>;
  /** Context folder the module path is relative to. */
  sourceDir: string;
  /** Image folder holding that source dir. */
  imageRoot?: string;
  /** Found in the image (true), only in the project folder (false), or there is no Dockerfile (undefined). */
  inImage?: boolean;
}

export interface Project {
  files: ProjectFiles;
  findings: Finding[];
  compose?: ComposeModel;
  app?: ComposeService;
  appServices: ComposeService[];
  dbServices: ComposeService[];
  dockerfile?: DockerfileModel & { final: Stage; context: string };
  dockerignore?: { file: string; ignore: DockerIgnore };
  /** Environment the app process gets: Dockerfile ENV < env_file < environment. undefined value = set, unknown. */
  runtimeEnv: Map<string, string | undefined>;
  /** Where each runtime variable is set. */
  runtimeEnvWhere: Map<string, Where>;
  workdir: { path: string; where?: Where };
  command: EffectiveCommand;
  health?: HealthProbe;
  managePy?: string;
  settings?: SettingsInfo;
  installed?: InstalledRequirements;
  /** Every requirement set found in the project, when the Dockerfile's cannot be traced. */
  projectRequirements?: { files: string[]; requirements: Requirement[] };
  today: string;
}

export function at(file: string, line: number): Where {
  return { file, line };
}

function stripContext(context: string, p: string): string {
  return context === '.' ? p : posix.join(context, p);
}

/** Image paths → context paths, for the final stage and the stages it copies from. */
export class ImageLayout {
  constructor(private p: { files: ProjectFiles; model: DockerfileModel; stage: Stage; context: string; ignore?: DockerIgnore }) {}

  /** All COPY/ADD of the stage's lineage, newest first. */
  private copies(): DfCopy[] {
    return lineage(this.p.model, this.p.stage)
      .flatMap((s) => s.copies)
      .reverse();
  }

  /** Is a context path present in the build context (exists and not excluded)? */
  inContext(ctxPath: string): boolean {
    const rel = posix.normalize(ctxPath);
    if (rel.startsWith('..')) return false;
    if (!this.p.files.kind(stripContext(this.p.context, rel === '.' ? '' : rel) || '.')) return false;
    return rel === '.' || !this.p.ignore?.ignores(rel);
  }

  /** Where an image path comes from: a context path, another stage, or nothing we know of. */
  resolve(imagePath: string): { copy: DfCopy; contextPath?: string; fromStage?: string } | undefined {
    const p = posix.normalize(imagePath);
    for (const copy of this.copies()) {
      if (copy.from !== undefined) {
        if (p === copy.dest || p.startsWith(`${copy.dest}/`)) return { copy, fromStage: copy.from };
        continue;
      }
      for (const src of copy.sources) {
        if (/^https?:\/\//.test(src)) continue;
        const source = posix.normalize(src.replace(/^\/+/, '')).replace(/(.)\/$/, '$1') || '.';
        const candidates = /[*?[]/.test(source) ? this.glob(source) : [source];
        for (const c of candidates) {
          const kind = this.p.files.kind(stripContext(this.p.context, c === '.' ? '' : c) || '.');
          if (kind === 'dir') {
            if (p === copy.dest) return { copy, contextPath: c };
            if (p.startsWith(`${copy.dest === '/' ? '' : copy.dest}/`)) {
              const rel = p.slice(copy.dest === '/' ? 1 : copy.dest.length + 1);
              const ctx = c === '.' ? rel : `${c}/${rel}`;
              if (this.inContext(ctx)) return { copy, contextPath: ctx };
            }
          } else if (kind === 'file') {
            const target =
              copy.destIsDir || candidates.length > 1 ? `${copy.dest === '/' ? '' : copy.dest}/${posix.basename(c)}` : copy.dest;
            if (p === target && this.inContext(c)) return { copy, contextPath: c };
            if (copy.destIsDir && p === copy.dest) return { copy, contextPath: c };
          }
        }
      }
    }
    return undefined;
  }

  /** Context paths a COPY source glob matches (one folder level of wildcards). */
  glob(source: string): string[] {
    const parts = source.split('/');
    let current = ['.'];
    for (const part of parts) {
      const next: string[] = [];
      for (const dir of current) {
        if (!/[*?[]/.test(part)) {
          next.push(dir === '.' ? part : `${dir}/${part}`);
          continue;
        }
        const re = new RegExp(
          `^${part
            .replace(/[.+^${}()|\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]')}$`,
        );
        for (const name of this.p.files.list(stripContext(this.p.context, dir === '.' ? '' : dir) || '.'))
          if (re.test(name)) next.push(dir === '.' ? name : `${dir}/${name}`);
      }
      current = next;
    }
    return current.filter((c) => this.p.files.kind(stripContext(this.p.context, c)) !== undefined && this.inContext(c));
  }

  /** Context file for an image path, if the image gets it from the context. */
  contextFile(imagePath: string): string | undefined {
    const r = this.resolve(imagePath);
    if (!r?.contextPath) return undefined;
    return stripContext(this.p.context, r.contextPath);
  }

  exists(imagePath: string): boolean {
    return this.resolve(imagePath) !== undefined;
  }
}

const VALUE_FLAGS: Record<string, Set<string>> = {
  gunicorn: new Set([
    '-b',
    '--bind',
    '-w',
    '--workers',
    '-k',
    '--worker-class',
    '-t',
    '--timeout',
    '-c',
    '--config',
    '--chdir',
    '--pythonpath',
    '--worker-tmp-dir',
    '--access-logfile',
    '--error-logfile',
    '--log-file',
    '--log-level',
    '-e',
    '--env',
    '-n',
    '--name',
    '--threads',
    '--max-requests',
    '--max-requests-jitter',
    '--graceful-timeout',
    '--keep-alive',
    '--access-logformat',
    '--forwarded-allow-ips',
    '-u',
    '--user',
    '-g',
    '--group',
    '-p',
    '--pid',
    '--worker-connections',
    '--limit-request-line',
    '--limit-request-fields',
    '--limit-request-field_size',
    '--statsd-host',
    '--backlog',
    '--umask',
    '--paste',
    '--certfile',
    '--keyfile',
    '--log-config',
    '--logger-class',
    '-m',
  ]),
  uvicorn: new Set([
    '--host',
    '--port',
    '--uds',
    '--fd',
    '--app-dir',
    '--workers',
    '--loop',
    '--http',
    '--ws',
    '--lifespan',
    '--interface',
    '--env-file',
    '--log-level',
    '--log-config',
    '--root-path',
    '--limit-concurrency',
    '--backlog',
    '--limit-max-requests',
    '--timeout-keep-alive',
    '--ssl-keyfile',
    '--ssl-certfile',
    '--forwarded-allow-ips',
    '--reload-dir',
    '--h11-max-incomplete-event-size',
    '--timeout-graceful-shutdown',
    '--header',
  ]),
  daphne: new Set([
    '-b',
    '--bind',
    '-p',
    '--port',
    '-u',
    '--unix-socket',
    '--fd',
    '-e',
    '--endpoint',
    '-v',
    '--verbosity',
    '-t',
    '--http-timeout',
    '--access-log',
    '--log-fmt',
    '--ping-interval',
    '--ping-timeout',
    '--root-path',
    '--application-close-timeout',
    '--websocket_timeout',
    '--websocket_connect_timeout',
    '--proxy-headers-host',
    '--proxy-headers-port',
    '--server-name',
  ]),
  hypercorn: new Set([
    '-b',
    '--bind',
    '-w',
    '--workers',
    '-k',
    '--worker-class',
    '-c',
    '--config',
    '--access-logfile',
    '--error-logfile',
    '--log-level',
    '--root-path',
    '--certfile',
    '--keyfile',
    '--graceful-timeout',
    '--insecure-bind',
    '--quic-bind',
    '-u',
    '--user',
    '-g',
    '--group',
    '--umask',
    '--pid',
    '--access-logformat',
  ]),
  waitress: new Set([
    '--host',
    '--port',
    '--listen',
    '--threads',
    '--call',
    '--url-scheme',
    '--ident',
    '--unix-socket',
    '--unix-socket-perms',
    '--backlog',
    '--recv-bytes',
    '--send-bytes',
    '--outbuf-overflow',
    '--outbuf-high-watermark',
    '--inbuf-overflow',
    '--connection-limit',
    '--cleanup-interval',
    '--channel-timeout',
    '--url-prefix',
    '--max-request-header-size',
    '--max-request-body-size',
    '--asyncore-loop-timeout',
    '--trusted-proxy',
    '--trusted-proxy-count',
    '--trusted-proxy-headers',
  ]),
};

function optionValue(args: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const n of names) {
      if (a === n && i + 1 < args.length) out.push(args[i + 1]!);
      else if (n.startsWith('--') && a.startsWith(`${n}=`)) out.push(a.slice(n.length + 1));
      else if (!n.startsWith('--') && a.startsWith(n) && a.length > n.length) out.push(a.slice(n.length));
    }
  }
  return out;
}

function positionals(args: string[], valued: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-')) {
      if (valued.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

const WRAPPERS = new Set(['tini', 'dumb-init', 'exec', 'gosu', 'su-exec', 'env', 'nice', 'setpriv', 'sudo']);

/** Recognise a server command: strips wrappers, `python -m`, environment assignments. */
export function classifyServer(argvIn: string[], where: Where, origin: string): ServerInfo | undefined {
  let argv = [...argvIn];
  for (let guard = 0; guard < 6 && argv.length > 0; guard++) {
    const head = argv[0]!.split('/').pop()!;
    if (WRAPPERS.has(head)) {
      argv = argv.slice(1);
      if (head === 'gosu' || head === 'su-exec') argv = argv.slice(1);
      while (argv[0]?.startsWith('-') || /^[A-Za-z_]\w*=/.test(argv[0] ?? '')) argv = argv.slice(1);
      continue;
    }
    if (/^python(\d(\.\d+)?)?$/.test(head)) {
      const rest = argv.slice(1).filter((a) => a !== '-u' && a !== '-B' && !/^-W/.test(a));
      if (rest[0] === '-m' && rest[1]) {
        argv = rest.slice(1);
        continue;
      }
      if (rest[0] && /(^|\/)manage\.py$/.test(rest[0]) && rest[1] === 'runserver') {
        return serverInfo('runserver', argv, rest.slice(2), where, origin);
      }
      return undefined;
    }
    break;
  }
  const head = (argv[0] ?? '').split('/').pop()!;
  const args = argv.slice(1);
  if (head === 'manage.py' && args[0] === 'runserver') return serverInfo('runserver', argv, args.slice(1), where, origin);
  if ((head === 'django-admin' || head === 'django-admin.py') && args[0] === 'runserver')
    return serverInfo('runserver', argv, args.slice(1), where, origin);
  if (head === 'gunicorn') return serverInfo('gunicorn', argv, args, where, origin);
  if (head === 'uvicorn') return serverInfo('uvicorn', argv, args, where, origin);
  if (head === 'daphne') return serverInfo('daphne', argv, args, where, origin);
  if (head === 'hypercorn') return serverInfo('hypercorn', argv, args, where, origin);
  if (head === 'waitress-serve' || head === 'waitress') return serverInfo('waitress', argv, args, where, origin);
  if (head === 'uwsgi') return serverInfo('uwsgi', argv, args, where, origin);
  return undefined;
}

function serverInfo(kind: ServerInfo['kind'], argv: string[], args: string[], where: Where, origin: string): ServerInfo {
  const info: ServerInfo = { kind, argv, where, origin, binds: [], pythonpath: [] };
  const valued = VALUE_FLAGS[kind] ?? new Set<string>();
  if (kind === 'runserver') {
    const pos = positionals(args, new Set(['--settings', '--pythonpath', '-v', '--verbosity']));
    if (pos[0]) info.binds.push(pos[0]);
    const s = optionValue(args, ['--settings'])[0];
    if (s) info.settingsFlag = s;
    info.pythonpath.push(...optionValue(args, ['--pythonpath']));
    return info;
  }
  const pos = positionals(args, valued);
  if (kind === 'gunicorn') {
    info.binds.push(...optionValue(args, ['-b', '--bind']));
    const chdir = optionValue(args, ['--chdir']).at(-1);
    if (chdir) info.chdir = chdir;
    info.pythonpath.push(...optionValue(args, ['--pythonpath']).flatMap((p) => p.split(',')));
    const w = optionValue(args, ['-w', '--workers']).at(-1);
    if (w && /^\d+$/.test(w)) info.workers = Number(w);
    const tmp = optionValue(args, ['--worker-tmp-dir']).at(-1);
    if (tmp) info.workerTmpDir = tmp;
    if (pos[0]) info.app = pos[0];
  } else if (kind === 'uvicorn') {
    const host = optionValue(args, ['--host']).at(-1);
    const port = optionValue(args, ['--port']).at(-1);
    const uds = optionValue(args, ['--uds']).at(-1);
    if (host !== undefined || port !== undefined) info.binds.push(`${host ?? ''}:${port ?? ''}`);
    if (uds) info.binds.push(`unix:${uds}`);
    const dir = optionValue(args, ['--app-dir']).at(-1);
    if (dir) info.pythonpath.push(dir);
    const w = optionValue(args, ['--workers']).at(-1);
    if (w && /^\d+$/.test(w)) info.workers = Number(w);
    if (pos[0]) info.app = pos[0];
  } else if (kind === 'daphne') {
    const host = optionValue(args, ['-b', '--bind']).at(-1);
    const port = optionValue(args, ['-p', '--port']).at(-1);
    if (host !== undefined || port !== undefined) info.binds.push(`${host ?? ''}:${port ?? ''}`);
    for (const e of optionValue(args, ['-e', '--endpoint'])) {
      const m = /^tcp:(?:port=)?(\d+)(?::interface=(.*))?/.exec(e);
      if (m) info.binds.push(`${m[2] ?? '0.0.0.0'}:${m[1]}`);
    }
    if (pos.at(-1)) info.app = pos.at(-1)!;
  } else if (kind === 'hypercorn') {
    info.binds.push(...optionValue(args, ['-b', '--bind']));
    if (pos[0]) info.app = pos[0];
  } else if (kind === 'waitress') {
    const listen = optionValue(args, ['--listen']);
    const host = optionValue(args, ['--host']).at(-1);
    const port = optionValue(args, ['--port']).at(-1);
    info.binds.push(...listen);
    if (host !== undefined || port !== undefined) info.binds.push(`${host ?? '0.0.0.0'}:${port ?? '8080'}`);
    if (pos[0]) info.app = pos[0];
  } else if (kind === 'uwsgi') {
    for (const h of optionValue(args, ['--http', '--http-socket'])) info.binds.push(h);
    const m = optionValue(args, ['--module', '-w', '--wsgi']).at(-1);
    if (m) info.app = m;
  }
  return info;
}

const DEFAULT_BINDS: Record<string, { host: string; port?: number }> = {
  runserver: { host: '127.0.0.1', port: 8000 },
  gunicorn: { host: '127.0.0.1', port: 8000 },
  uvicorn: { host: '127.0.0.1', port: 8000 },
  daphne: { host: '127.0.0.1', port: 8000 },
  hypercorn: { host: '127.0.0.1', port: 8000 },
  waitress: { host: '0.0.0.0', port: 8080 },
};

export function parseHostPort(bind: string, defaultHost: string, defaultPort?: number): { host: string; port?: number } {
  if (bind.startsWith('unix:')) return { host: bind };
  const v6 = /^\[([^\]]*)\](?::(\d+))?$/.exec(bind);
  if (v6) return { host: v6[1]!, ...(v6[2] ? { port: Number(v6[2]) } : defaultPort !== undefined ? { port: defaultPort } : {}) };
  if (/^\d+$/.test(bind)) return { host: defaultHost, port: Number(bind) };
  const colon = bind.lastIndexOf(':');
  if (colon === -1) return { host: bind || defaultHost, ...(defaultPort !== undefined ? { port: defaultPort } : {}) };
  const host = bind.slice(0, colon);
  const port = Number(bind.slice(colon + 1));
  return {
    host: host || defaultHost,
    ...(Number.isInteger(port) && bind.slice(colon + 1) !== '' ? { port } : defaultPort !== undefined ? { port: defaultPort } : {}),
  };
}

/** The bind a server ends up with, from its flags, its environment and defaults. */
export function resolveBind(
  server: ServerInfo,
  env: Map<string, string | undefined>,
  configBind?: { value: string; source: string } | 'unknown',
): ServerInfo['bind'] {
  const def = DEFAULT_BINDS[server.kind];
  // Arguments passed on from the caller ("$@") or a config the doctor cannot read may set the bind.
  const passedOn = server.argv.some((a) => /\$[@*]|\$\{[@*]/.test(a));
  if (server.binds.length === 0 && (passedOn || configBind === 'unknown'))
    return { host: '?', explicit: true, source: passedOn ? 'arguments passed on with "$@"' : 'a gunicorn config the doctor cannot read' };
  const expand = (s: string): string | undefined =>
    expandVariables(s, new Map([...env].filter((e): e is [string, string] => e[1] !== undefined)));
  if (server.kind === 'runserver') {
    const raw = server.binds[0];
    if (!raw) return { host: '127.0.0.1', port: 8000, explicit: false, source: 'runserver default' };
    const v = expand(raw) ?? raw;
    const hp = parseHostPort(v, '127.0.0.1', 8000);
    return {
      host: hp.host === '0' ? '0.0.0.0' : hp.host,
      ...(hp.port !== undefined ? { port: hp.port } : {}),
      explicit: true,
      source: raw,
    };
  }
  if (server.kind === 'uwsgi') {
    const raw = server.binds[0];
    if (!raw) return undefined;
    const hp = parseHostPort(expand(raw) ?? raw, '0.0.0.0');
    return { host: hp.host, ...(hp.port !== undefined ? { port: hp.port } : {}), explicit: true, source: raw };
  }
  if (!def) return undefined;
  const raw = server.binds[0];
  if (raw !== undefined) {
    const v = expand(raw);
    if (v === undefined) return { host: '?', explicit: true, source: raw };
    const hp = parseHostPort(v, def.host, def.port);
    return { host: hp.host, ...(hp.port !== undefined ? { port: hp.port } : {}), explicit: true, source: raw };
  }
  if (server.kind === 'gunicorn') {
    const cmdArgs = env.get('GUNICORN_CMD_ARGS');
    if (cmdArgs) {
      const words = lexShell(cmdArgs).flatMap((t) => (t.kind === 'word' ? [t.text] : []));
      const b = optionValue(words, ['-b', '--bind'])[0];
      if (b) {
        const hp = parseHostPort(b, def.host, def.port);
        return { host: hp.host, ...(hp.port !== undefined ? { port: hp.port } : {}), explicit: true, source: 'GUNICORN_CMD_ARGS' };
      }
    }
    if (cmdArgs === undefined && env.has('GUNICORN_CMD_ARGS'))
      return { host: '?', explicit: true, source: 'GUNICORN_CMD_ARGS, whose value the doctor cannot know' };
    if (configBind && configBind !== 'unknown') {
      const hp = parseHostPort(configBind.value, def.host, def.port);
      return { host: hp.host, ...(hp.port !== undefined ? { port: hp.port } : {}), explicit: true, source: configBind.source };
    }
    const port = env.get('PORT');
    if (port !== undefined && env.has('PORT'))
      return { host: '0.0.0.0', ...(port && /^\d+$/.test(port) ? { port: Number(port) } : {}), explicit: false, source: 'PORT' };
  }
  if (server.kind === 'uvicorn') {
    const host = env.get('UVICORN_HOST');
    const port = env.get('UVICORN_PORT');
    if (host || port)
      return { host: host ?? def.host, port: port ? Number(port) : def.port!, explicit: true, source: 'UVICORN_HOST/UVICORN_PORT' };
  }
  return { host: def.host, ...(def.port !== undefined ? { port: def.port } : {}), explicit: false, source: `${server.kind} default` };
}

/** `python manage.py runserver` → 'runserver'; used to tell what a command does. */
export function words(c: SimpleCommand): string[] {
  return c.words.map((w) => w.text);
}

export function commandFromCompose(value: string[] | string): CommandForm {
  if (Array.isArray(value)) return { form: 'exec', argv: value, text: value.join(' '), line: 0 };
  // A compose string command is split like a shell would, but not run by a shell.
  const argv = lexShell(value).flatMap((t) => (t.kind === 'word' ? [t.text] : []));
  return { form: 'exec', argv, text: value, line: 0 };
}

export function argvOf(form: CommandForm): string[] {
  return form.form === 'exec' ? form.argv : ['/bin/sh', '-c', form.text];
}
