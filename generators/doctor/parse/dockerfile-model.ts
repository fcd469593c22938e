/**
 * A Dockerfile read with dockerfile-ast and turned into facts per stage: the base image,
 * ARG/ENV values (substituted the way the builder does), WORKDIR, USER, COPY/ADD, the commands
 * each RUN runs, packages installed with apt/apk/pip, EXPOSE, HEALTHCHECK, CMD and ENTRYPOINT,
 * each with its line. Stages built on other stages inherit what those hold.
 */
import { DockerfileParser, type Flag, type Instruction } from 'dockerfile-ast';
import { expandVariables, lexShell, type SimpleCommand, splitCommands } from './shell-words.ts';

export interface CommandForm {
  form: 'exec' | 'shell';
  /** Exec form: the JSON array. Shell form: the words as sh would split them (variables unexpanded). */
  argv: string[];
  /** Shell form: the command text. */
  text: string;
  line: number;
}

export interface DfCopy {
  keyword: 'COPY' | 'ADD';
  line: number;
  /** `--from=` stage name/index or image. */
  from?: string;
  chown?: string;
  chmod?: string;
  /** Sources as written (variables substituted), relative to the context. */
  sources: string[];
  /** Absolute destination in the image. */
  dest: string;
  /** The destination is a folder (ends in `/`, several sources, or a folder is copied). */
  destIsDir: boolean;
}

export interface DfRun {
  line: number;
  text: string;
  commands: SimpleCommand[];
  /** Environment in force for this RUN (ARG and ENV), before its own inline assignments. */
  env: Map<string, string>;
  workdir: string;
  user: string;
  mounts: string[];
}

export interface PackageUse {
  name: string;
  line: number;
  /** A removal that also removes what nothing needs any more (--auto-remove, autoremove, apk del). */
  autoRemove?: boolean;
}

export interface PipInstall {
  line: number;
  /** `-r` files as written, resolved against the RUN's WORKDIR. */
  requirementFiles: string[];
  /** Distributions named on the command line. */
  packages: string[];
  /** `pip install .` / `-e .` / `uv sync` / `poetry install`: the project's own metadata. */
  project: boolean;
  /** Extras of the project install (`-e ".[dev]"`): their optional dependencies come too. */
  projectExtras?: string[];
  breaksSystemPackages: boolean;
  /** Installs into a virtualenv (VIRTUAL_ENV, a venv's bin on PATH, or uv/poetry). */
  inVenv: boolean;
  /** Installs what a lock file or Pipfile lists (pipenv, poetry, uv sync). */
  lockTool?: 'pipenv' | 'poetry' | 'uv';
  workdir: string;
  /** Some argument names a variable the build does not define: more may be installed than listed. */
  open?: boolean;
}

export interface Stage {
  index: number;
  line: number;
  name?: string;
  /** Image reference with build args substituted, e.g. `python:3.12-slim-bookworm`. */
  image: string;
  /** Repository without registry and tag: `python`, `library/python` → `python`. */
  imageName: string;
  tag?: string;
  digest?: string;
  platform?: string;
  /** Index of the stage this one is built `FROM`. */
  parent?: number;
  instructions: Array<{ keyword: string; line: number; args: string }>;
  env: Map<string, { value: string; line: number }>;
  workdirs: Array<{ path: string; line: number }>;
  users: Array<{ user: string; line: number }>;
  copies: DfCopy[];
  runs: DfRun[];
  installs: PackageUse[];
  removals: PackageUse[];
  /** apk/apt used. */
  packageTool?: 'apt' | 'apk';
  /** An apt/apk install names a variable the build does not define: the package list is not all known. */
  openInstalls?: boolean;
  /** Image paths RUN commands write (`>` redirects, `-o` of lock exporters, cp/mv targets). */
  writes: Array<{ path: string; line: number }>;
  pipInstalls: PipInstall[];
  exposes: Array<{ port?: number; raw: string; line: number }>;
  healthcheck?: { none: boolean; command?: CommandForm; line: number; flags: Record<string, string> };
  cmd?: CommandForm;
  entrypoint?: CommandForm;
  volumes: Array<{ path: string; line: number }>;
  /** Lines that mention `archive.debian.org` (a retired release patched to build). */
  archiveMirrorLines: number[];
}

export interface DockerfileModel {
  path: string;
  stages: Stage[];
  /** Instructions the builder would reject, with their line. */
  errors: Array<{ line: number; message: string }>;
}

const KEYWORDS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function flagsOf(instr: Instruction): Flag[] {
  const f = (instr as unknown as { getFlags?: () => Flag[] }).getFlags;
  return f ? f.call(instr) : [];
}

function flagValue(instr: Instruction, name: string): string | undefined {
  return (
    flagsOf(instr)
      .find((f) => f.getName() === name)
      ?.getValue() ?? undefined
  );
}

/** CMD/ENTRYPOINT/RUN arguments as exec or shell form. */
export function commandForm(args: string, line: number): CommandForm {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string'))
        return { form: 'exec', argv: parsed as string[], text: trimmed, line };
    } catch {
      // Not valid JSON: the builder runs it as a shell command.
    }
  }
  const argv = lexShell(trimmed).flatMap((t) => (t.kind === 'word' ? [t.text] : [t.text === '\n' ? ';' : t.text]));
  return { form: 'shell', argv, text: trimmed, line };
}

/** The commands a shell-form or exec-form command runs (`sh -c "…"` is looked into). */
export function commandsOf(form: CommandForm): SimpleCommand[] {
  if (form.form === 'shell') return splitCommands(form.text);
  const [head, flag, script] = form.argv;
  if (head && /(^|\/)(ba|da)?sh$/.test(head) && flag === '-c' && script !== undefined) return splitCommands(script);
  const words = form.argv.map((text) => ({ text, start: 0, end: 0, quoted: true }));
  return words.length ? [{ words, assignments: [], start: 0, terminator: '', depth: 0, writes: [], inLoop: false }] : [];
}

function splitImage(ref: string): { imageName: string; tag?: string; digest?: string } {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  // A first part with a dot or a port is a registry host.
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  if (parts[0] === 'library') parts.shift();
  return { imageName: parts.join('/').toLowerCase(), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

function absolute(path: string, workdir: string): string {
  const joined = path.startsWith('/') ? path : `${workdir.replace(/\/$/, '')}/${path}`;
  const parts: string[] = [];
  for (const p of joined.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}${path.endsWith('/') && parts.length ? '/' : ''}`;
}

export function normaliseImagePath(path: string): string {
  return absolute(path, '/').replace(/(.)\/$/, '$1');
}

const PIP = /^(pip|pip3|pip3\.\d+)$/;

function readPip(cmd: SimpleCommand, env: Map<string, string>, workdir: string, line: number): PipInstall | undefined {
  const w = cmd.words.map((x) => x.text);
  let i: number;
  let tool: string;
  const base = (s: string | undefined): string => (s ?? '').split('/').pop() ?? '';
  // pip's global options may come before the command: `pip --python /opt/venv/bin/python install …`
  const globalValued = new Set([
    '--python',
    '--cache-dir',
    '--log',
    '--proxy',
    '--retries',
    '--timeout',
    '--exists-action',
    '--trusted-host',
    '--cert',
    '--client-cert',
  ]);
  let command = 1;
  while (PIP.test(base(w[0])) && w[command]?.startsWith('-')) command += globalValued.has(w[command]!) ? 2 : 1;
  // `pip wheel` builds what a later `pip install /wheels/*` installs: counted where it is built.
  if (PIP.test(base(w[0])) && (w[command] === 'install' || w[command] === 'wheel')) {
    tool = 'pip';
    i = command + 1;
  } else if (/^python(\d(\.\d+)?)?$/.test(base(w[0])) && w[1] === '-m' && w[2] === 'pip' && (w[3] === 'install' || w[3] === 'wheel')) {
    tool = 'pip';
    i = 4;
  } else if (base(w[0]) === 'uv' && w[1] === 'pip' && w[2] === 'install') {
    tool = 'uv-pip';
    i = 3;
  } else if (base(w[0]) === 'uv' && w[1] === 'sync') {
    return { line, requirementFiles: [], packages: [], project: true, breaksSystemPackages: false, inVenv: true, workdir, lockTool: 'uv' };
  } else if (base(w[0]) === 'poetry' && w[1] === 'install') {
    return {
      line,
      requirementFiles: [],
      packages: [],
      project: true,
      breaksSystemPackages: false,
      inVenv: env.get('POETRY_VIRTUALENVS_CREATE') !== 'false',
      workdir,
      lockTool: 'poetry',
    };
  } else if (base(w[0]) === 'pipenv' && (w[1] === 'install' || w[1] === 'sync')) {
    return {
      line,
      requirementFiles: [],
      packages: [],
      project: false,
      breaksSystemPackages: false,
      inVenv: !w.includes('--system'),
      workdir,
      lockTool: 'pipenv',
    };
  } else return undefined;
  const out: PipInstall = { line, requirementFiles: [], packages: [], project: false, breaksSystemPackages: false, inVenv: false, workdir };
  const path = env.get('PATH') ?? DEFAULT_PATH;
  const target = w.indexOf('--python');
  out.inVenv =
    (target > 0 && target < i && /venv|virtualenv/.test(w[target + 1] ?? '')) ||
    Boolean(env.get('VIRTUAL_ENV')) ||
    /venv|virtualenv/.test(path.split(':')[0] ?? '') ||
    (tool === 'uv-pip' && !w.includes('--system')) ||
    /\/(venv|\.venv|virtualenv)\//.test(w[0] ?? '');
  out.breaksSystemPackages =
    w.includes('--break-system-packages') || ['1', 'true', 'yes'].includes((env.get('PIP_BREAK_SYSTEM_PACKAGES') ?? '').toLowerCase());
  const valued = new Set([
    '-c',
    '--constraint',
    '-i',
    '--index-url',
    '--extra-index-url',
    '-f',
    '--find-links',
    '--target',
    '-t',
    '--prefix',
    '--root',
    '--platform',
    '--python-version',
    '--implementation',
    '--abi',
    '--cache-dir',
    '--src',
    '--trusted-host',
    '--progress-bar',
    '--python',
    '-w',
    '--wheel-dir',
  ]);
  const project = (spec: string): void => {
    out.project = true;
    const extras = /\[([^\]]*)\]$/.exec(spec)?.[1];
    if (extras)
      out.projectExtras = [
        ...(out.projectExtras ?? []),
        ...extras
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean),
      ];
  };
  for (; i < w.length; i++) {
    const a = w[i]!;
    if (a === '-r' || a === '--requirement') {
      const f = w[++i];
      if (f) out.requirementFiles.push(f);
    } else if (a.startsWith('--requirement=')) out.requirementFiles.push(a.slice('--requirement='.length));
    else if (a.startsWith('-r') && a.length > 2) out.requirementFiles.push(a.slice(2));
    else if (a === '-e' || a === '--editable') {
      const f = w[++i];
      if (f !== undefined && isProjectPath(f, workdir)) project(f);
    } else if (valued.has(a)) i++;
    else if (a.startsWith('-')) continue;
    else if (isProjectPath(a, workdir)) project(a);
    // Local wheels and archives (/wheels/*, dist/app.whl): built elsewhere in the Dockerfile, not names.
    else if (a.includes('/') || /\.(whl|tar\.gz|zip)$/.test(a)) continue;
    else out.packages.push(a);
  }
  return out;
}

/** `.`, `./`, `.[dev]`, the working directory itself: pip installs the project from its own metadata. */
function isProjectPath(arg: string, workdir: string): boolean {
  const path = arg.replace(/\[[^\]]*\]$/, '');
  return path === '.' || path === './' || path === workdir || path === `${workdir}/`;
}

/** Files a command writes by its own options: lock exports (`-o`), `cp`/`mv`/`install` targets. */
function writtenBy(words: string[]): string[] {
  const head = (words[0] ?? '').split('/').pop() ?? '';
  const out: string[] = [];
  const optionValue = (names: string[]): void => {
    for (let i = 1; i < words.length; i++) {
      const w = words[i]!;
      if (names.includes(w) && words[i + 1]) out.push(words[i + 1]!);
      for (const n of names) if (n.startsWith('--') && w.startsWith(`${n}=`)) out.push(w.slice(n.length + 1));
    }
  };
  if (head === 'uv' || head === 'poetry' || head === 'pip-compile' || head === 'pdm' || head === 'pipenv')
    optionValue(['-o', '--output', '--output-file']);
  else if (head === 'cp' || head === 'mv' || head === 'ln' || head === 'install') {
    const args = words.slice(1).filter((w) => !w.startsWith('-'));
    if (args.length >= 2) out.push(args.at(-1)!);
  } else if (head === 'curl') optionValue(['-o', '--output']);
  else if (head === 'wget') optionValue(['-O', '--output-document']);
  return out;
}

/** Read a Dockerfile. `buildArgs` are compose `build.args` (they override ARG defaults). */
export function readDockerfile(path: string, text: string, buildArgs: ReadonlyMap<string, string> = new Map()): DockerfileModel {
  const df = DockerfileParser.parse(text);
  const model: DockerfileModel = { path, stages: [], errors: [] };
  const globalArgs = new Map<string, string>();
  let stage: Stage | undefined;
  // Running state of the current stage.
  let vars = new Map<string, string>();
  let workdir = '/';
  let user = 'root';
  const instructions = df.getInstructions();
  for (const instr of instructions) {
    const keyword = instr.getKeyword();
    const line = instr.getRange().start.line + 1;
    const args = instr.getArgumentsContent() ?? '';
    const sub = (s: string): string => expandVariables(s, vars) ?? s;
    if (!KEYWORDS.has(keyword)) {
      model.errors.push({ line, message: `unknown instruction "${instr.getInstruction()}"` });
      continue;
    }
    if (keyword === 'FROM') {
      const words = lexShell(args)
        .filter((t) => t.kind === 'word')
        .map((t) => t.text);
      const ref = expandVariables(words[0] ?? '', globalArgs) ?? words[0] ?? '';
      const name = words[1]?.toLowerCase() === 'as' ? words[2] : undefined;
      const parentIndex = model.stages.findIndex((s) => s.name !== undefined && s.name.toLowerCase() === ref.toLowerCase());
      const platformRaw = flagValue(instr, 'platform');
      const parent = parentIndex === -1 ? undefined : model.stages[parentIndex];
      stage = {
        index: model.stages.length,
        line,
        ...(name ? { name } : {}),
        image: ref,
        ...splitImage(ref),
        ...(platformRaw ? { platform: expandVariables(platformRaw, globalArgs) ?? platformRaw } : {}),
        ...(parent ? { parent: parent.index } : {}),
        instructions: [],
        env: parent ? new Map(parent.env) : new Map(),
        workdirs: [],
        users: [],
        copies: [],
        runs: [],
        installs: [],
        removals: [],
        pipInstalls: [],
        exposes: [],
        volumes: [],
        archiveMirrorLines: [],
        writes: [],
      };
      if (parent?.packageTool) stage.packageTool = parent.packageTool;
      if (parent?.openInstalls) stage.openInstalls = true;
      if (!words[0]) model.errors.push({ line, message: 'FROM names no image' });
      model.stages.push(stage);
      vars = new Map();
      if (parent) {
        for (const [k, v] of parent.env) vars.set(k, v.value);
        workdir = parent.workdirs.at(-1)?.path ?? '/';
        user = parent.users.at(-1)?.user ?? 'root';
      } else {
        vars.set('PATH', DEFAULT_PATH);
        workdir = '/';
        user = 'root';
      }
      continue;
    }
    if (!stage) {
      if (keyword === 'ARG') {
        for (const word of lexShell(args).filter((t) => t.kind === 'word')) {
          const eq = word.text.indexOf('=');
          const name = eq === -1 ? word.text : word.text.slice(0, eq);
          const value = buildArgs.get(name) ?? (eq === -1 ? undefined : word.text.slice(eq + 1));
          if (value !== undefined) globalArgs.set(name, value);
        }
      } else model.errors.push({ line, message: `${keyword} before the first FROM` });
      continue;
    }
    stage.instructions.push({ keyword, line, args });
    switch (keyword) {
      case 'ARG':
        for (const word of lexShell(args).filter((t) => t.kind === 'word')) {
          const eq = word.text.indexOf('=');
          const name = eq === -1 ? word.text : word.text.slice(0, eq);
          const value = buildArgs.get(name) ?? (eq === -1 ? globalArgs.get(name) : sub(word.text.slice(eq + 1)));
          if (value !== undefined) vars.set(name, value);
        }
        break;
      case 'ENV': {
        const props = (instr as unknown as { getProperties(): Array<{ getName(): string; getValue(): string | null }> }).getProperties();
        const updates: Array<[string, string]> = props.map((p) => [p.getName(), sub(p.getValue() ?? '')]);
        // All pairs of one ENV see the values from before it.
        for (const [k, v] of updates) {
          vars.set(k, v);
          stage.env.set(k, { value: v, line });
        }
        break;
      }
      case 'WORKDIR':
        workdir = absolute(sub(args.trim()), workdir).replace(/(.)\/$/, '$1');
        stage.workdirs.push({ path: workdir, line });
        break;
      case 'USER':
        user = sub(args.trim());
        stage.users.push({ user, line });
        break;
      case 'COPY':
      case 'ADD': {
        const parts = commandForm(args, line).argv.map(sub);
        if (parts.length < 2 || args.trim().startsWith('<<')) break;
        const dest = parts.at(-1)!;
        const sources = parts.slice(0, -1);
        const from = flagValue(instr, 'from');
        const chown = flagValue(instr, 'chown');
        const chmod = flagValue(instr, 'chmod');
        stage.copies.push({
          keyword,
          line,
          ...(from ? { from: sub(from) } : {}),
          ...(chown ? { chown: sub(chown) } : {}),
          ...(chmod ? { chmod } : {}),
          sources,
          dest: absolute(dest, workdir).replace(/(.)\/$/, '$1'),
          destIsDir: dest.endsWith('/') || sources.length > 1 || dest === '.' || dest === './',
        });
        break;
      }
      case 'RUN': {
        let text = args;
        const heredoc = /^<<-?\s*["']?(\w+)["']?[^\n]*\n([\s\S]*?)\n\s*\1\s*$/.exec(args.trim());
        if (heredoc) text = heredoc[2]!;
        const form = commandForm(text, line);
        const commands = heredoc ? splitCommands(text) : commandsOf(form);
        const mounts = flagsOf(instr)
          .filter((f) => f.getName() === 'mount')
          .map((f) => f.getValue() ?? '');
        const run: DfRun = { line, text, commands, env: new Map(vars), workdir, user, mounts };
        stage.runs.push(run);
        if (/archive\.debian\.org/.test(text)) stage.archiveMirrorLines.push(line);
        const runEnv = new Map(vars);
        for (const cmd of commands) {
          for (const a of cmd.assignments) runEnv.set(a.name, a.value);
          const raw = cmd.words.map((x) => x.text);
          // Package lists often come from build arguments: `apt-get install ${RUNTIME_PACKAGES}`.
          let unresolved = false;
          const words = raw.flatMap((w, k) => {
            if (k === 0 || !/[$`]/.test(w)) return [w];
            const v = /\$\(|`/.test(w) ? undefined : expandVariables(w, runEnv);
            if (v === undefined) {
              unresolved = true;
              return [w];
            }
            return cmd.words[k]!.quoted ? [v] : v.split(/\s+/).filter(Boolean);
          });
          const head = (words[0] ?? '').split('/').pop();
          for (const target of [...cmd.writes, ...writtenBy(words)]) {
            const v = expandVariables(target, runEnv);
            if (v !== undefined) stage.writes.push({ path: absolute(v, workdir).replace(/(.)\/$/, '$1'), line });
          }
          if (head === 'export') {
            for (const w of words.slice(1)) {
              const eq = w.indexOf('=');
              if (eq > 0) runEnv.set(w.slice(0, eq), w.slice(eq + 1));
            }
          }
          if ((head === 'apt-get' || head === 'apt') && ['install', 'purge', 'remove'].some((v) => words.includes(v))) {
            stage.packageTool = 'apt';
            const verbAt = words.findIndex((x) => ['install', 'purge', 'remove'].includes(x));
            const list = words[verbAt] === 'install' ? stage.installs : stage.removals;
            const autoRemove =
              words.includes('--auto-remove') ||
              words.includes('--autoremove') ||
              commands.some((c) => c.words.some((w) => w.text === 'autoremove'));
            for (const p of words.slice(verbAt + 1))
              if (!p.startsWith('-'))
                list.push({ name: p.replace(/[=:].*$/, ''), line, ...(words[verbAt] !== 'install' && autoRemove ? { autoRemove } : {}) });
            if (unresolved && words[verbAt] === 'install') stage.openInstalls = true;
          } else if (head === 'apk' && (words.includes('add') || words.includes('del'))) {
            stage.packageTool = 'apk';
            if (unresolved && words.includes('add')) stage.openInstalls = true;
            const verbAt = words.findIndex((x) => x === 'add' || x === 'del');
            const list = words[verbAt] === 'add' ? stage.installs : stage.removals;
            const rest = words.slice(verbAt + 1);
            for (let k = 0; k < rest.length; k++) {
              const p = rest[k]!;
              if (p === '--virtual' || p === '-t' || p === '--repository' || p === '-X') {
                k++;
                continue;
              }
              if (!p.startsWith('-'))
                list.push({ name: p.replace(/[=<>~].*$/, ''), line, ...(list === stage.removals ? { autoRemove: true } : {}) });
            }
          } else {
            const pip = readPip({ ...cmd, words: words.map((text) => ({ text, start: 0, end: 0, quoted: false })) }, runEnv, workdir, line);
            if (pip) {
              if (unresolved) pip.open = true;
              stage.pipInstalls.push(pip);
            }
          }
        }
        break;
      }
      case 'EXPOSE':
        for (const word of lexShell(args).filter((t) => t.kind === 'word')) {
          const raw = sub(word.text);
          const port = Number(raw.split('/')[0]!.split('-')[0]);
          stage.exposes.push({ raw, line, ...(Number.isInteger(port) && port > 0 ? { port } : {}) });
        }
        break;
      case 'HEALTHCHECK': {
        const words = lexShell(args);
        const first = words.find((t) => t.kind === 'word');
        const flags = Object.fromEntries(flagsOf(instr).map((f) => [f.getName(), f.getValue() ?? '']));
        if (first?.text.toUpperCase() === 'NONE') stage.healthcheck = { none: true, line, flags };
        else if (first?.text.toUpperCase() === 'CMD')
          stage.healthcheck = { none: false, command: commandForm(args.slice(first.end), line), line, flags };
        else model.errors.push({ line, message: 'HEALTHCHECK needs CMD or NONE' });
        break;
      }
      case 'CMD':
        stage.cmd = commandForm(args, line);
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = commandForm(args, line);
        // ENTRYPOINT resets a CMD set before it in the same stage or inherited.
        delete stage.cmd;
        break;
      case 'VOLUME': {
        const form = commandForm(args, line);
        for (const p of form.argv) stage.volumes.push({ path: normaliseImagePath(sub(p)), line });
        break;
      }
      default:
        break;
    }
  }
  if (model.stages.length === 0 && instructions.length > 0) model.errors.push({ line: 1, message: 'no FROM instruction' });
  return model;
}

/** The stage and its ancestors, oldest first. */
export function lineage(model: DockerfileModel, stage: Stage): Stage[] {
  const out: Stage[] = [];
  let s: Stage | undefined = stage;
  while (s) {
    out.unshift(s);
    s = s.parent !== undefined ? model.stages[s.parent] : undefined;
  }
  return out;
}

/** Effective value across a stage's lineage (the latest wins). */
export function effective<T>(model: DockerfileModel, stage: Stage, pick: (s: Stage) => T | undefined): T | undefined {
  let found: T | undefined;
  for (const s of lineage(model, stage)) {
    const v = pick(s);
    if (v !== undefined) found = v;
  }
  return found;
}

export function finalWorkdir(model: DockerfileModel, stage: Stage): { path: string; line?: number } {
  const w = effective(model, stage, (s) => s.workdirs.at(-1));
  return w ? { path: w.path, line: w.line } : { path: '/' };
}

export function finalUser(model: DockerfileModel, stage: Stage): { user: string; line?: number } {
  const u = effective(model, stage, (s) => s.users.at(-1));
  return u ? { user: u.user, line: u.line } : { user: 'root' };
}

export function finalCmd(model: DockerfileModel, stage: Stage): CommandForm | undefined {
  // An ENTRYPOINT in a later stage of the lineage resets an inherited CMD.
  let cmd: CommandForm | undefined;
  for (const s of lineage(model, stage)) {
    if (s.entrypoint) cmd = undefined;
    if (s.cmd) cmd = s.cmd;
  }
  return cmd;
}

export function finalEntrypoint(model: DockerfileModel, stage: Stage): CommandForm | undefined {
  return effective(model, stage, (s) => s.entrypoint);
}

export function allInstalls(model: DockerfileModel, stage: Stage): PackageUse[] {
  return lineage(model, stage).flatMap((s) => s.installs);
}

export function allRemovals(model: DockerfileModel, stage: Stage): PackageUse[] {
  return lineage(model, stage).flatMap((s) => s.removals);
}
