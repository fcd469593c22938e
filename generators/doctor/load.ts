/**
 * loadProject: read the checked folder into a Project (see project.ts). Parse failures become
 * `parse-error` findings; only an unreadable file or a folder without a Django project stops
 * the doctor.
 */
import { InputRefused } from '../common/read-file.ts';
import { posix } from 'node:path';
import { UsageError } from '../common/errors.ts';
import { type ComposeService } from './parse/compose-model.ts';
import { type DockerfileModel, lineage, type Stage } from './parse/dockerfile-model.ts';
import { emptyResult, type EvalResult } from '../project/python-eval.ts';
import { declaredRequirements, managePyCandidates, settingsModuleOf } from '../project/loader.ts';
import { LOCK_MANAGERS, type LockManager, lockedVersions } from '../project/managers.ts';
import { normaliseName, type Requirement } from '../project/requirements.ts';
import { parse as parseToml } from '@decimalturn/toml-patch';
import { settingsFacts } from './settings-facts.ts';
import { databaseOfImage } from '../facts/databases.ts';
import { lineAt } from './parse/shell-words.ts';
import {
  argvOf,
  classifyServer,
  commandFromCompose,
  type EffectiveCommand,
  type HealthProbe,
  ImageLayout,
  type InstalledRequirements,
  type Project,
  resolveBind,
  type ServerInfo,
  type SettingsInfo,
} from './project.ts';
import { readCompose } from './parse/compose-model.ts';
import { parseDockerIgnore } from './parse/dockerignore.ts';
import { commandsOf, finalCmd, finalEntrypoint, finalWorkdir, readDockerfile } from './parse/dockerfile-model.ts';
import { splitCommands } from './parse/shell-words.ts';
import { ProjectFiles, UnreadableFile } from '../project/files.ts';
import { evaluateModule } from '../project/python-eval.ts';
import { readPyproject, readRequirementsFile } from '../project/requirements.ts';
import type { Finding } from './types.ts';

export interface LoadOptions {
  /** YYYY-MM-DD; end-of-life checks compare against it. */
  today?: string;
}

function parseError(findings: Finding[], file: string, line: number, message: string): void {
  findings.push({
    rule: 'parse-error',
    severity: 'error',
    file,
    line,
    message,
    fix: 'Fix the syntax on this line; Docker, Compose or Python would stop here too.',
  });
}

export interface Loaded extends Project {
  layout?: ImageLayout;
  /** Layout of another stage (for pip installs in a builder). */
  layoutOf(stage: Stage): ImageLayout | undefined;
}

export async function loadProject(root: string, options: LoadOptions = {}): Promise<Loaded> {
  const files = new ProjectFiles(root, { above: true });
  if (files.kind('.') !== 'dir') throw new UsageError(`${root} is not a folder: give the folder that holds the Django project`);
  const findings: Finding[] = [];
  const project: Loaded = {
    files,
    findings,
    appServices: [],
    dbServices: [],
    runtimeEnv: new Map(),
    runtimeEnvWhere: new Map(),
    workdir: { path: '/' },
    command: {},
    today: options.today ?? new Date().toISOString().slice(0, 10),
    layoutOf: () => undefined,
  };

  // ---- compose ----
  let compose: ReturnType<typeof readCompose>;
  try {
    compose = readCompose(root);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.path) throw new UnreadableFile(posix.relative(root, e.path) || e.path, e.code);
    throw err;
  }
  if (compose) {
    project.compose = compose;
    for (const e of compose.errors)
      parseError(findings, e.file, e.line, e.message.startsWith('include ') ? e.message : `invalid YAML: ${e.message}`);
    const services = [...compose.services.values()];
    project.dbServices = services.filter((s) => s.image && databaseOfImage(s.image.value.split(/[:@]/)[0]!) !== undefined);
    const built = services.filter((s) => s.build);
    project.appServices = built;
    // The Django service: one `up` starts (no profile), built from a context holding manage.py, publishing a port.
    const score = (s: ComposeService): number =>
      (s.profiles.length === 0 ? 8 : 0) +
      (files.kind(posix.join(s.build!.context, 'manage.py')) === 'file' ? 4 : 0) +
      (s.ports.length > 0 ? 2 : 0) +
      (['web', 'app', 'django', 'backend', 'api'].includes(s.name) ? 1 : 0);
    project.app = [...built].sort((a, b) => score(b) - score(a))[0];
  }
  if (compose?.dotenvFile) {
    const { parseDotEnv } = await import('../project/dotenv.ts');
    for (const e of parseDotEnv(files.text(compose.dotenvFile) ?? '').errors) parseError(findings, compose.dotenvFile, e.line, e.message);
  }

  // ---- Dockerfile ----
  const app = project.app;
  const dockerfilePath = app?.build?.dockerfile ?? 'Dockerfile';
  const context = app?.build?.context ?? '.';
  const dfText = files.kind(dockerfilePath) === 'file' ? files.text(dockerfilePath) : undefined;
  if (dfText !== undefined) {
    const model = readDockerfile(dockerfilePath, dfText, app?.build?.args ?? new Map());
    for (const e of model.errors) parseError(findings, dockerfilePath, e.line, e.message);
    const target = app?.build?.target;
    const final = (target ? model.stages.find((s) => s.name === target) : undefined) ?? model.stages.at(-1);
    if (final) project.dockerfile = { ...model, final, context };
  }

  // ---- .dockerignore ----
  for (const candidate of [`${dockerfilePath}.dockerignore`, posix.join(context, '.dockerignore')]) {
    const text = files.kind(candidate) === 'file' ? files.text(candidate) : undefined;
    if (text !== undefined) {
      project.dockerignore = { file: candidate, ignore: parseDockerIgnore(text) };
      break;
    }
  }

  const df = project.dockerfile;
  const layoutFor = (model: DockerfileModel, stage: Stage): ImageLayout =>
    new ImageLayout({ files, model, stage, context, ...(project.dockerignore ? { ignore: project.dockerignore.ignore } : {}) });
  if (df) {
    project.layout = layoutFor(df, df.final);
    project.layoutOf = (stage) => layoutFor(df, stage);
  }

  // ---- runtime environment ----
  if (df) {
    for (const s of lineage(df, df.final)) {
      for (const [k, v] of s.env) {
        project.runtimeEnv.set(k, v.value);
        project.runtimeEnvWhere.set(k, { file: df.path, line: v.line });
      }
    }
  }
  if (app) {
    for (const [k, v] of app.environment) {
      // A value from an env file still to be made from its example is the user's: unknown, unless
      // the example agrees with what the Dockerfile already sets.
      const agreed = v.fromExample && v.value === undefined && project.runtimeEnv.get(k) === v.raw ? v.raw : undefined;
      if (agreed !== undefined) continue;
      project.runtimeEnv.set(k, v.value);
      project.runtimeEnvWhere.set(k, { file: v.file, line: v.line });
    }
  }

  // ---- working directory ----
  if (app?.workingDir)
    project.workdir = { path: posix.normalize(app.workingDir.value), where: { file: app.workingDir.file, line: app.workingDir.line } };
  else if (df) {
    const w = finalWorkdir(df, df.final);
    project.workdir = { path: w.path, ...(w.line ? { where: { file: df.path, line: w.line } } : {}) };
  }

  // ---- command ----
  project.command = effectiveCommand(project, df);
  // Variables the entrypoint script exports before it execs the server reach the server too.
  const script = project.command.script;
  if (script) {
    for (const c of script.commands) {
      const words = c.words.map((w) => w.text);
      const pairs =
        words[0] === 'export'
          ? words.slice(1).filter((w) => /^[A-Za-z_]\w*=/.test(w))
          : words[0] === 'exec'
            ? c.assignments.map((a) => `${a.name}=${a.value}`)
            : [];
      for (const pair of pairs) {
        const name = pair.slice(0, pair.indexOf('='));
        const value = pair.slice(pair.indexOf('=') + 1);
        if (project.runtimeEnv.has(name) && c.depth > 0) continue;
        project.runtimeEnv.set(name, c.depth === 0 && !/[$`]/.test(value) ? value : undefined);
        project.runtimeEnvWhere.set(name, { file: script.file, line: lineAt(script.text, c.start) });
      }
    }
  }

  if (project.command.server) {
    const configBind = await applyGunicornConfig(project);
    project.command.server.bind = resolveBind(project.command.server, project.runtimeEnv, configBind);
  }

  // ---- healthcheck ----
  project.health = healthProbe(project, df);

  // ---- manage.py ----
  const inImage = project.layout?.contextFile(posix.join(project.workdir.path, 'manage.py'));
  project.managePy = inImage ?? managePyCandidates(files)[0];

  // ---- requirements ----
  if (df) project.installed = installedRequirements(project, df, findings);
  const declared = declaredRequirements(files);
  if (declared.problem?.line && !findings.some((f) => f.file === declared.problem!.file))
    parseError(findings, declared.problem.file, declared.problem.line, declared.problem.message);
  project.projectRequirements = { files: declared.files, requirements: declared.requirements };

  if (!project.managePy && !df && !compose) {
    throw new UsageError(
      `no Django project here: ${root} has no manage.py, Dockerfile or compose file; run the doctor in the project folder`,
    );
  }

  // ---- settings ----
  project.settings = await settingsInfo(project, files.all());
  if (project.settings) {
    for (const e of project.settings.symbolic.errors) parseError(findings, e.file, e.line, 'invalid Python syntax');
  }
  return project;
}

function effectiveCommand(project: Loaded, df: (DockerfileModel & { final: Stage }) | undefined): EffectiveCommand {
  const app = project.app;
  const out: EffectiveCommand = {};
  const dfEntry = df ? finalEntrypoint(df, df.final) : undefined;
  const dfCmd = df ? finalCmd(df, df.final) : undefined;
  if (app?.entrypoint)
    out.entrypoint = {
      ...commandFromCompose(app.entrypoint.value),
      file: app.entrypoint.file,
      line: app.entrypoint.line,
      origin: 'compose',
    };
  else if (dfEntry && df) out.entrypoint = { ...dfEntry, file: df.path, line: dfEntry.line, origin: 'Dockerfile' };
  if (app?.command)
    out.cmd = { ...commandFromCompose(app.command.value), file: app.command.file, line: app.command.line, origin: 'compose' };
  else if (!app?.entrypoint && dfCmd && df) out.cmd = { ...dfCmd, file: df.path, line: dfCmd.line, origin: 'Dockerfile' };

  // An entrypoint that runs a script from the image: read it.
  if (out.entrypoint) {
    const argv = argvOf(out.entrypoint);
    let scriptArg: string | undefined;
    let runDirectly = false;
    const head = argv[0] ?? '';
    if (/(^|\/)(ba|da)?sh$/.test(head) && argv[1] && argv[1] !== '-c') scriptArg = argv[1];
    else if (/\.(sh|bash)$/.test(head) || (head.includes('/') && !/^\/(usr\/)?s?bin\//.test(head))) {
      scriptArg = head;
      runDirectly = true;
    }
    if (scriptArg) {
      const imagePath = posix.isAbsolute(scriptArg) ? scriptArg : posix.join(project.workdir.path, scriptArg);
      const file = project.layout?.contextFile(imagePath) ?? bindMountFile(project.app, imagePath, project.files);
      const text = file ? project.files.text(file) : undefined;
      if (!file && project.layout && !project.layout.exists(imagePath)) out.scriptMissing = { imagePath, arg: scriptArg };
      if (file && text !== undefined) {
        const commands = splitCommands(text);
        // exec "$@", exec gosu app "$@", exec "${@}": the CMD runs, through whatever wraps it.
        const isExecArgs = (c: (typeof commands)[number]): boolean =>
          c.words[0]?.text === 'exec' && c.words.slice(1).some((w) => /^\$(\{[@*]\}|[@*])$/.test(w.text));
        out.script = {
          file,
          imagePath,
          text,
          commands,
          execsArgs:
            commands.some(isExecArgs) ||
            commands.some((c) => c.words[0]?.text !== 'echo' && c.words.some((w) => /^\$(\{[@*]\}|[@*])$/.test(w.text))),
          runDirectly,
        };
      }
    }
  }

  // Which command is the server?
  const find = (argv: string[], where: { file: string; line: number }, origin: string): ServerInfo | undefined => {
    const direct = classifyServer(argv, where, origin);
    if (direct) return direct;
    const head = (argv[0] ?? '').split('/').pop() ?? '';
    if (/^(ba|da)?sh$/.test(head) && argv[1] === '-c' && argv[2] !== undefined) {
      const cmds = splitCommands(argv[2]);
      for (let i = cmds.length - 1; i >= 0; i--) {
        const s = classifyServer(
          cmds[i]!.words.map((w) => w.text),
          where,
          origin,
        );
        if (s) return s;
      }
    }
    return undefined;
  };
  if (out.script && !out.script.execsArgs) {
    const cmds = out.script.commands;
    for (let i = cmds.length - 1; i >= 0; i--) {
      const s = classifyServer(
        cmds[i]!.words.map((w) => w.text),
        { file: out.script.file, line: lineAt(out.script.text, cmds[i]!.start) },
        'script',
      );
      if (s) {
        out.server = s;
        break;
      }
    }
  }
  // A CMD that runs a start script (CMD ["/start"]): the server is inside it.
  if (!out.server && out.cmd && (!out.entrypoint || out.script?.execsArgs)) {
    const argv = argvOf(out.cmd);
    const head = argv[0] ?? '';
    const arg =
      /(^|\/)(ba|da)?sh$/.test(head) && argv[1] && argv[1] !== '-c'
        ? argv[1]
        : head.includes('/') || /\.(sh|bash)$/.test(head)
          ? head
          : undefined;
    if (arg && !/^\/(usr\/)?(local\/)?s?bin\//.test(arg)) {
      const imagePath = posix.isAbsolute(arg) ? arg : posix.join(project.workdir.path, arg);
      const file = project.layout?.contextFile(imagePath) ?? bindMountFile(project.app, imagePath, project.files);
      const text = file ? project.files.text(file) : undefined;
      if (file && text !== undefined) {
        const cmds = splitCommands(text);
        for (let i = cmds.length - 1; i >= 0; i--) {
          const s = classifyServer(
            cmds[i]!.words.map((w) => w.text),
            { file, line: lineAt(text, cmds[i]!.start) },
            'script',
          );
          if (s) {
            out.server = s;
            break;
          }
        }
      }
    }
  }
  if (!out.server) {
    const parts: string[] = [];
    if (out.entrypoint && !out.script) parts.push(...argvOf(out.entrypoint));
    if (out.cmd) parts.push(...argvOf(out.cmd));
    const where = out.cmd ?? out.entrypoint;
    if (where && parts.length > 0) {
      const s = find(
        parts,
        { file: where.file, line: where.line },
        out.cmd ? (out.cmd.origin === 'compose' ? 'compose-command' : 'cmd') : 'entrypoint',
      );
      if (s) out.server = s;
    }
  }
  return out;
}

/** gunicorn reads ./gunicorn.conf.py (or -c FILE): its bind, workers, wsgi_app, chdir and worker_tmp_dir. */
async function applyGunicornConfig(project: Loaded): Promise<{ value: string; source: string } | 'unknown' | undefined> {
  const server = project.command.server;
  if (server?.kind !== 'gunicorn') return undefined;
  const flag = server.argv.findIndex((a) => a === '-c' || a === '--config' || a.startsWith('--config='));
  const given = flag === -1 ? undefined : server.argv[flag]!.startsWith('--config=') ? server.argv[flag]!.slice(9) : server.argv[flag + 1];
  // A config the doctor cannot read may set the bind: the bind is then unknown, not the default.
  if (given?.startsWith('python:') || given?.includes('$')) return 'unknown';
  const cwd = project.workdir.path;
  const imagePath = posix.isAbsolute(given ?? '')
    ? given!
    : posix.join(server.chdir ? posix.join(cwd, server.chdir) : cwd, given ?? 'gunicorn.conf.py');
  const file = project.layout?.contextFile(imagePath) ?? bindMountFile(project.app, imagePath, project.files);
  if (!file) return given !== undefined || project.layout?.exists(imagePath) ? 'unknown' : undefined;
  const result = await evaluateModule('gunicorn_conf', file, {
    read: (f) => project.files.text(f),
    moduleFile: () => undefined,
    imagePath: () => imagePath,
    env: project.runtimeEnv,
  });
  for (const e of result.errors) parseError(project.findings, e.file, e.line, 'invalid Python syntax');
  const get = (name: string): string | undefined => {
    const v = result.names.get(name)?.value;
    if (v?.k === 'str') return v.v;
    if (v?.k === 'num') return String(v.v);
    if (v?.k === 'list' && v.items[0]?.k === 'str') return v.items[0].v;
    return undefined;
  };
  const workers = get('workers');
  if (workers && /^\d+$/.test(workers) && server.workers === undefined) server.workers = Number(workers);
  const tmp = get('worker_tmp_dir');
  if (tmp && !server.workerTmpDir) server.workerTmpDir = tmp;
  const app = get('wsgi_app');
  if (app && !server.app) server.app = app;
  const chdir = get('chdir');
  if (chdir && !server.chdir) server.chdir = chdir;
  const bind = get('bind');
  const line = result.names.get('bind')?.line;
  if (!bind && (result.names.has('bind') || result.errors.length > 0)) return 'unknown';
  return bind ? { value: bind, source: `${file}${line ? ` line ${line}` : ''}` } : undefined;
}

/** A file that a compose bind mount puts at an image path. */
export function bindMountFile(app: ComposeService | undefined, imagePath: string, files?: ProjectFiles): string | undefined {
  if (!app) return undefined;
  for (const m of app.volumes) {
    if (m.type !== 'bind' || !m.source) continue;
    if (imagePath === m.target || imagePath.startsWith(`${m.target}/`)) {
      const rel = imagePath.slice(m.target.length).replace(/^\//, '');
      const src = posix.normalize(posix.join(posix.dirname(app.file), m.source.replace(/^\.\/?/, '') || '.'));
      if (src.startsWith('..') || posix.isAbsolute(m.source)) return undefined;
      const file = posix.normalize(posix.join(src, rel));
      return !files || files.kind(file) !== undefined ? file : undefined;
    }
  }
  return undefined;
}

function healthProbe(project: Loaded, df: (DockerfileModel & { final: Stage }) | undefined): HealthProbe | undefined {
  const app = project.app;
  let argv: string[] | undefined;
  let where: { file: string; line: number } | undefined;
  let origin: 'Dockerfile' | 'compose' = 'Dockerfile';
  if (app?.healthcheck && !app.healthcheck.disable && app.healthcheck.test !== undefined) {
    const t = app.healthcheck.test;
    if (Array.isArray(t)) argv = t[0] === 'CMD' ? t.slice(1) : t[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', t.slice(1).join(' ')] : t;
    else argv = ['/bin/sh', '-c', t];
    where = { file: app.healthcheck.file, line: app.healthcheck.line };
    origin = 'compose';
  } else if (app?.healthcheck?.disable) {
    return undefined;
  } else if (df) {
    let hc: Stage['healthcheck'];
    for (const s of lineage(df, df.final)) if (s.healthcheck) hc = s.healthcheck;
    if (hc && !hc.none && hc.command) {
      argv = argvOf(hc.command);
      where = { file: df.path, line: hc.line };
    }
  }
  if (!argv || !where) return undefined;
  let words = argv;
  if (/(^|\/)(ba|da)?sh$/.test(argv[0] ?? '') && argv[1] === '-c' && argv[2] !== undefined) {
    words = commandsOf({ form: 'shell', argv: [], text: argv[2], line: 0 }).flatMap((c) => c.words.map((w) => w.text));
  }
  const probe: HealthProbe = { where, origin, words, ...(words[0] ? { tool: words[0].split('/').pop()! } : {}) };
  for (const w of words) {
    const m = /(https?):\/\/(\[[^\]]+\]|[A-Za-z0-9_.-]+)(?::(\d+))?(\/[^\s"')]*)?/.exec(w);
    if (m) {
      probe.url = { scheme: m[1]!, host: m[2]!, port: m[3] ? Number(m[3]) : m[1] === 'https' ? 443 : 80, path: m[4] ?? '/' };
      break;
    }
  }
  const hostHeader = words.findIndex((w, i) => (w === '-H' || w === '--header') && /^host:/i.test(words[i + 1] ?? ''));
  if (hostHeader !== -1) probe.hostHeader = words[hostHeader + 1]!.split(':')[1]!.trim();
  return probe;
}

function installedRequirements(project: Loaded, df: DockerfileModel & { final: Stage }, findings: Finding[]): InstalledRequirements {
  const out: InstalledRequirements = { files: [], requirements: [], direct: [], pipStages: [], known: false, installs: [], open: false };
  // The final stage's lineage, plus every stage it copies from (builders).
  const stages = new Set<Stage>();
  const visit = (s: Stage): void => {
    for (const l of lineage(df, s)) {
      if (stages.has(l)) continue;
      stages.add(l);
      for (const c of l.copies) {
        if (c.from === undefined) continue;
        const src = df.stages.find((x) => x.name === c.from || String(x.index) === c.from);
        if (src) visit(src);
      }
    }
  };
  visit(df.final);
  let untraceable = false;
  for (const s of [...stages].sort((a, b) => a.index - b.index)) {
    if (s.pipInstalls.length === 0) continue;
    out.known = true;
    out.pipStages.push(s.index);
    const layout = project.layoutOf(s);
    // Files a RUN writes (an exported lock, a generated list) are not the context's copy of them.
    const written = new Set(lineage(df, s).flatMap((x) => x.writes.map((w) => w.path)));
    const exportsLock = lineage(df, s).some((x) =>
      x.runs.some((r) =>
        r.commands.some((c) => {
          const w = c.words.map((t) => t.text);
          const tool = (w[0] ?? '').split('/').pop();
          return (
            ((tool === 'uv' || tool === 'poetry' || tool === 'pdm') && w[1] === 'export') || (tool === 'pipenv' && w[1] === 'requirements')
          );
        }),
      ),
    );
    for (const pip of s.pipInstalls) {
      const record = { stage: s.index, line: pip.line, files: [] as string[], direct: [...pip.packages] };
      out.installs.push(record);
      if (pip.open) out.open = true;
      if (pip.lockTool || exportsLock) {
        const lock = lockInImage(project, layout, pip.workdir);
        if (lock) out.lock = lock;
      }
      // pipenv/poetry install from their own files: judge from the project's Pipfile / pyproject.
      if (pip.lockTool === 'pipenv' || pip.lockTool === 'poetry') untraceable = true;
      for (const f of pip.requirementFiles) {
        const imagePath = posix.isAbsolute(f) ? f : posix.join(pip.workdir, f);
        const ctxFile = written.has(posix.normalize(imagePath)) ? undefined : layout?.contextFile(imagePath);
        if (!ctxFile) {
          // Written during the build (e.g. exported from a lock file): judge from the project's own files.
          untraceable = true;
          continue;
        }
        if (out.files.includes(ctxFile)) continue;
        try {
          const set = readRequirementsFile(project.files.root, ctxFile);
          record.files.push(...set.files);
          out.files.push(...set.files);
          out.requirements.push(...set.requirements);
        } catch (err) {
          if (err instanceof InputRefused) throw err;
          findings.push({
            rule: 'build-context-missing-file',
            severity: 'error',
            file: ctxFile,
            line: 1,
            message: (err as Error).message.split(':')[0]!,
            fix: 'Fix the -r include so pip finds the file in the image.',
          });
        }
      }
      if (pip.project && pip.lockTool !== 'poetry') {
        const ctxFile = layout?.contextFile(posix.join(pip.workdir, 'pyproject.toml'));
        if (ctxFile) {
          try {
            const set = readPyproject(project.files.root, ctxFile);
            record.files.push(ctxFile);
            out.files.push(ctxFile);
            out.requirements.push(...set.requirements);
            // `pip install -e ".[dev]"`: the extras' optional dependencies are installed too.
            if (pip.projectExtras?.length) {
              const extra = optionalDependencies(project.files.text(ctxFile) ?? '', pip.projectExtras, ctxFile);
              if (extra) out.requirements.push(...extra);
              else untraceable = true;
            }
          } catch (err) {
            if (err instanceof InputRefused) throw err;
            const line = (err as { line?: number }).line;
            if (line)
              findings.push({
                rule: 'parse-error',
                severity: 'error',
                file: ctxFile,
                line,
                message: 'invalid TOML',
                fix: 'Fix the TOML syntax.',
              });
            else untraceable = true;
          }
        } else untraceable = true;
      }
      for (const p of pip.packages) out.direct.push({ name: p, line: pip.line });
    }
  }
  if (untraceable) out.known = false;
  return out;
}

/** `[project.optional-dependencies]` entries of the given extras, as requirements; undefined when they cannot be read. */
function optionalDependencies(text: string, extras: string[], file: string): Requirement[] | undefined {
  let data: { project?: { 'optional-dependencies'?: Record<string, unknown> } };
  try {
    data = parseToml(text) as typeof data;
  } catch {
    return undefined;
  }
  const table = data.project?.['optional-dependencies'] ?? {};
  const out: Requirement[] = [];
  for (const extra of extras) {
    const list = table[extra];
    if (!Array.isArray(list)) return undefined;
    for (const entry of list) {
      const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)/.exec(String(entry));
      if (!m) continue;
      const extrasOf = m[2]
        ? m[2]
            .slice(1, -1)
            .split(',')
            .map((e) => normaliseName(e.trim()))
        : [];
      const name = normaliseName(m[1]!);
      out.push({
        key: extrasOf.length ? `${name}[${extrasOf.join(',')}]` : name,
        name,
        extras: extrasOf,
        spec: m[3]!.trim(),
        file,
        line: 1,
      });
    }
  }
  return out;
}

/** The lock file a build installs from (uv.lock, poetry.lock, Pipfile.lock at the project root), and every name it locks. */
function lockInImage(project: Loaded, layout: ImageLayout | undefined, workdir: string): InstalledRequirements['lock'] {
  for (const manager of Object.keys(LOCK_MANAGERS) as LockManager[]) {
    const file = LOCK_MANAGERS[manager].lock;
    const inImage = layout?.contextFile(posix.join(workdir, file)) ?? layout?.contextFile(posix.join('/', file));
    if (inImage !== file || !project.files.isFile(file)) continue;
    try {
      return { file, names: new Set(lockedVersions(project.files.root, manager).keys()) };
    } catch (err) {
      if (err instanceof InputRefused) throw err;
      return undefined;
    }
  }
  return undefined;
}

async function settingsInfo(project: Loaded, all: string[]): Promise<SettingsInfo | undefined> {
  const { files } = project;
  const env = project.runtimeEnv;
  let module: string | undefined;
  let source: SettingsInfo['source'] | undefined;
  const fromEnv = env.get('DJANGO_SETTINGS_MODULE');
  if (fromEnv) {
    module = fromEnv;
    source = {
      ...(project.runtimeEnvWhere.get('DJANGO_SETTINGS_MODULE') ?? { file: project.dockerfile?.path ?? 'Dockerfile', line: 1 }),
      how: 'DJANGO_SETTINGS_MODULE',
    };
  } else if (project.command.server?.settingsFlag) {
    module = project.command.server.settingsFlag;
    source = { ...project.command.server.where, how: '--settings' };
  } else {
    // setdefault in the module the server imports (wsgi/asgi) or in manage.py
    const app = project.command.server?.app?.split(':')[0];
    const candidates: string[] = [];
    if (app && project.command.server?.kind !== 'runserver') {
      const f = moduleInProject(project, all, app);
      if (f) candidates.push(f);
    }
    if (project.managePy) candidates.push(project.managePy);
    for (const f of candidates) {
      const text = files.text(f);
      if (text === undefined) continue;
      try {
        const found = await settingsModuleOf(files, f);
        if (found) {
          module = found.module;
          source = { file: f, line: found.line, how: 'setdefault' };
          break;
        }
      } catch (err) {
        if (err instanceof InputRefused) throw err;
        const line = (err as { line?: number }).line ?? 1;
        project.findings.push({
          rule: 'parse-error',
          severity: 'error',
          file: f,
          line,
          message: 'invalid Python syntax',
          fix: 'Fix the Python syntax.',
        });
      }
    }
  }
  if (!module || !source) return undefined;

  // Find the module's file: in the image when there is a Dockerfile, else next to manage.py.
  const roots = pythonRoots(project);
  const rel = module.split('.').join('/');
  let file: string | undefined;
  let sourceDir: string | undefined;
  let imageRoot: string | undefined;
  if (project.layout) {
    for (const r of roots) {
      for (const c of [`${rel}.py`, `${rel}/__init__.py`]) {
        const f = project.layout.contextFile(posix.join(r, c)) ?? bindMountFile(project.app, posix.join(r, c), files);
        if (f) {
          file = f;
          imageRoot = r;
          sourceDir = posix.normalize(f.slice(0, f.length - c.length)) || '.';
          break;
        }
      }
      if (file) break;
    }
  }
  const inImage = project.layout ? file !== undefined : undefined;
  if (!file) {
    const dirs = [project.managePy ? posix.dirname(project.managePy) : '.', '.', 'src'];
    for (const d of dirs) {
      for (const c of [`${rel}.py`, `${rel}/__init__.py`]) {
        const f = posix.normalize(posix.join(d, c));
        if (files.kind(f) === 'file') {
          file = f;
          sourceDir = d;
          break;
        }
      }
      if (file) break;
    }
  }
  if (!file || sourceDir === undefined) {
    const empty = emptyResult();
    return {
      module,
      file: '',
      source,
      evaluate: async () => empty,
      symbolic: empty,
      concrete: empty,
      facts: {},
      sourceDir: '.',
      ...(project.layout ? { inImage: false } : {}),
    };
  }
  const sd = sourceDir.replace(/\/$/, '') || '.';
  const moduleFile = (m: string): string | undefined => {
    const base = posix.join(sd, ...m.split('.'));
    for (const c of [`${base}.py`, `${base}/__init__.py`]) if (files.kind(c) === 'file') return posix.normalize(c);
    return undefined;
  };
  const root = imageRoot ?? project.workdir.path;
  const imagePath = (f: string): string => posix.join(root, posix.relative(sd === '.' ? '' : sd, f));
  const trees = new Map();
  const base = { read: (f: string) => files.text(f), list: (d: string) => files.list(d), moduleFile, imagePath, trees };
  const symbolic = await evaluateModule(module, file, base);
  const concrete = await evaluateModule(module, file, { ...base, env });
  for (const t of trees.values()) if (t && typeof t === 'object' && 'delete' in t) (t as { delete(): void }).delete();
  const facts = await settingsFacts(
    symbolic.files.map((f) => ({ file: f, text: files.text(f) })),
    (m) => m.startsWith('.') || moduleFile(m) !== undefined,
  );
  // Another environment (a build step's): evaluated on demand, once per distinct environment.
  const evaluations = new Map<string, Promise<EvalResult>>();
  const evaluate = (other: ReadonlyMap<string, string | undefined>): Promise<EvalResult> => {
    const key = JSON.stringify([...other].sort(([a], [b]) => a.localeCompare(b)));
    let found = evaluations.get(key);
    if (!found) {
      found = (async () => {
        const own = new Map();
        const result = await evaluateModule(module, file!, { read: base.read, moduleFile, imagePath, trees: own, env: other });
        for (const t of own.values()) if (t && typeof t === 'object' && 'delete' in t) (t as { delete(): void }).delete();
        return result;
      })();
      evaluations.set(key, found);
    }
    return found;
  };
  return {
    module,
    file,
    source,
    evaluate,
    symbolic,
    concrete,
    facts,
    sourceDir: sd,
    ...(imageRoot ? { imageRoot } : {}),
    ...(inImage !== undefined ? { inImage } : {}),
  };
}

/** Folders Python imports from in the container: --chdir or cwd, --pythonpath, PYTHONPATH. */
export function pythonRoots(project: Project): string[] {
  const server = project.command.server;
  const cwd = project.workdir.path;
  const roots: string[] = [];
  if (server?.chdir) roots.push(posix.isAbsolute(server.chdir) ? server.chdir : posix.join(cwd, server.chdir));
  else roots.push(cwd);
  for (const p of server?.pythonpath ?? []) roots.push(posix.isAbsolute(p) ? p : posix.join(cwd, p));
  for (const p of (project.runtimeEnv.get('PYTHONPATH') ?? '').split(':').filter((x) => x && !x.includes('$')))
    roots.push(posix.isAbsolute(p) ? p : posix.join(cwd, p));
  return [...new Set(roots)];
}

function moduleInProject(project: Project, all: string[], module: string): string | undefined {
  const rel = module.split('.').join('/');
  const layout = (project as Loaded).layout;
  if (layout) {
    for (const r of pythonRoots(project)) {
      for (const c of [`${rel}.py`, `${rel}/__init__.py`]) {
        const f = layout.contextFile(posix.join(r, c));
        if (f) return f;
      }
    }
  }
  return all.find((f) => f === `${rel}.py` || f.endsWith(`/${rel}.py`));
}
