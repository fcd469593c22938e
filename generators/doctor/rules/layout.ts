/**
 * Catalogue section C: build context, layout and module paths.
 */
import { posix } from 'node:path';
import { topLevelNames } from '../../project/python.ts';
import { type DfCopy, lineage } from '../parse/dockerfile-model.ts';
import { lineAt } from '../parse/shell-words.ts';
import { bindMountFile, pythonRoots } from '../load.ts';
import { listProjectFiles } from '../../project/files.ts';
import { type Ctx, type RuleFn } from '../context/rule.ts';
import { imageVenv } from '../context/image.ts';

const buildContextMissingFile: RuleFn = (ctx) => {
  const p = ctx.p;
  const df = p.dockerfile;
  const app = p.app;
  // Every service compose builds: `docker compose build` (or up with its profile) stops on any of them.
  let appBroken = false;
  for (const svc of p.compose?.services.values() ?? []) {
    const b = svc.build;
    if (!b || /^[a-z]+:\/\/|^git@|\$/.test(b.context)) continue;
    const when = svc.profiles.length
      ? ` (service ${svc.name}, profile ${svc.profiles.join(', ')})`
      : svc === app
        ? ''
        : ` (service ${svc.name})`;
    if (p.files.kind(b.context) !== 'dir') {
      ctx.report(
        'build-context-missing-file',
        { file: b.file, line: b.line },
        `build context ${b.context} is not a folder${when}: "unable to prepare context: path … not found"`,
        'Point build.context at the folder that holds the code and the Dockerfile.',
      );
      if (svc === app) appBroken = true;
    } else if (p.files.kind(b.dockerfile) !== 'file' && !b.dockerfile.includes('$')) {
      ctx.report(
        'build-context-missing-file',
        { file: b.file, line: b.line },
        `the Dockerfile ${b.dockerfile} does not exist${when}: "failed to read dockerfile"`,
        'Fix build.dockerfile (it is relative to the context).',
      );
    }
  }
  if (appBroken) return;
  if (!df || !p.layout) return;
  const ignore = p.dockerignore;
  for (const s of df.stages) {
    for (const copy of s.copies) {
      if (copy.from !== undefined) continue;
      for (const src of copy.sources) {
        if (/^https?:\/\//.test(src) || src.includes('$')) continue;
        const source = posix.normalize(src.replace(/^\/+/, '')) || '.';
        if (source.startsWith('..')) {
          ctx.report(
            'build-context-missing-file',
            { file: df.path, line: copy.line },
            `${copy.keyword} ${src}: the source is outside the build context (${df.context})`,
            'Move the file into the context, or widen build.context.',
          );
          continue;
        }
        const isGlob = /[*?[]/.test(source);
        const found = isGlob ? p.layout.glob(source).length > 0 : p.layout.inContext(source);
        if (found) continue;
        const ctxPath = df.context === '.' ? source : posix.join(df.context, source);
        const exists = isGlob ? false : p.files.kind(ctxPath) !== undefined;
        const pattern = exists && ignore ? ignore.ignore.decidingPattern(source) : undefined;
        if (exists && pattern && ignore) {
          ctx.report(
            'build-context-missing-file',
            { file: df.path, line: copy.line },
            `${copy.keyword} ${src}: ${source} is excluded by ${ignore.file} line ${pattern.line} (${pattern.negated ? '!' : ''}${pattern.pattern}), so the build fails with "not found"`,
            `Re-include it in ${ignore.file} with !${source}, or narrow the pattern.`,
          );
        } else {
          ctx.report(
            'build-context-missing-file',
            { file: df.path, line: copy.line },
            `${copy.keyword} ${src}: nothing at ${ctxPath} in the build context${df.context !== '.' ? ` (context: ${df.context})` : ''}: "failed to compute cache key … not found"`,
            'Fix the source path (it is relative to the build context), or create the file.',
          );
        }
      }
    }
  }
};

const dockerignoreMissing: RuleFn = (ctx) => {
  const p = ctx.p;
  const df = p.dockerfile;
  if (!df) return;
  // A COPY of the whole context is what carries local state into the image; a folder copy only its folder.
  const whole = (c: DfCopy): boolean => c.from === undefined && c.sources.some((s) => ['.', './', '/', '*'].includes(s.trim()));
  const finalCopies = lineage(df, df.final).flatMap((s) => s.copies);
  const copy =
    finalCopies.find(whole) ??
    df.stages.flatMap((s) => s.copies).find(whole) ??
    finalCopies.find(
      (c) => c.from === undefined && c.sources.some((s) => p.files.kind(df.context === '.' ? s : posix.join(df.context, s)) === 'dir'),
    );
  if (!copy) return;
  const wholeContext = whole(copy);
  const ctxDir = df.context;
  const local: string[] = [];
  for (const name of p.files.list(ctxDir)) {
    const rel = ctxDir === '.' ? name : posix.join(ctxDir, name);
    const kind = p.files.kind(rel);
    if (kind === 'dir' && (name === '.venv' || name === 'venv' || p.files.kind(posix.join(rel, 'pyvenv.cfg')) === 'file')) local.push(name);
    else if (kind === 'file' && (name === '.env' || name.endsWith('.sqlite3'))) local.push(name);
    else if (name === '.git') local.push(name);
  }
  if (!p.dockerignore) {
    ctx.report(
      'dockerignore-missing',
      { file: df.path, line: copy.line },
      `no .dockerignore: ${copy.keyword} ${copy.sources.join(' ')} sends everything in the context to the image${local.length ? `, including ${local.join(', ')}` : ''}`,
      'Add a .dockerignore listing .git, .venv, venv, .env, *.sqlite3, __pycache__, media and staticfiles.',
    );
    return;
  }
  if (!wholeContext) return;
  const leaking = local.filter((name) => !p.dockerignore!.ignore.ignores(name));
  if (leaking.length === 0) return;
  const venv = imageVenv(p);
  const onVenv = leaking.find((name) => venv && posix.join(copy.dest, name) === venv);
  if (onVenv) {
    ctx.report(
      'dockerignore-missing',
      { file: df.path, line: copy.line },
      `${copy.keyword} ${copy.sources.join(' ')} ${copy.dest} copies the local ${onVenv} over the image's virtualenv at ${venv}`,
      `Add ${onVenv} to ${p.dockerignore.file}.`,
      'error',
    );
  }
  const rest = leaking.filter((n) => n !== onVenv);
  if (rest.length) {
    ctx.report(
      'dockerignore-missing',
      { file: p.dockerignore.file, line: 1 },
      `${rest.join(', ')} ${rest.length > 1 ? 'are' : 'is'} in the build context and not excluded: ${copy.keyword} on ${df.path} line ${copy.line} copies ${rest.length > 1 ? 'them' : 'it'} into the image`,
      `Add ${rest.join(', ')} to ${p.dockerignore.file}.`,
    );
  }
};

/** A path a command opens relative to where it runs, and what it is. */
interface Use {
  /** Image paths tried, in order (a module has several roots and two file forms). */
  paths: string[];
  /** Path relative to the folder the command runs from (`manage.py`, `mysite/wsgi.py`). */
  rel: string[];
  where: { file: string; line: number };
  what: string;
  /** Runs at build time (a RUN), or when the container starts. */
  build: boolean;
}

/** Image paths the container's commands (and the build's RUN lines) open relative to their working directory. */
function uses(ctx: Ctx): Use[] {
  const p = ctx.p;
  const out: Use[] = [];
  const cwd = p.workdir.path;
  const manage = (mp: string, dir: string, where: Use['where'], what: string, build: boolean): void => {
    const abs = posix.isAbsolute(mp) ? mp : posix.join(dir, mp);
    out.push({ paths: [abs], rel: posix.isAbsolute(mp) ? [] : [posix.normalize(mp)], where, what, build });
  };
  const server = p.command.server;
  if (server?.kind === 'runserver') {
    const mp = server.argv.find((a) => /(^|\/)manage\.py$/.test(a));
    if (mp) manage(mp, cwd, server.where, server.argv.slice(0, 3).join(' '), false);
  }
  const script = p.command.script;
  if (script) {
    let dir = cwd;
    for (const c of script.commands) {
      const w = c.words.map((x) => x.text);
      if (w[0] === 'cd' && w[1] && !w[1].includes('$') && c.depth === 0) dir = posix.isAbsolute(w[1]) ? w[1] : posix.join(dir, w[1]);
      const i = w.findIndex((a) => /(^|\/)manage\.py$/.test(a));
      if (i > 0 && /python/.test(w[i - 1] ?? '') && !w[i]!.includes('$'))
        manage(w[i]!, dir, { file: script.file, line: lineAt(script.text, c.start) }, w.slice(0, i + 2).join(' '), false);
    }
  }
  const df = p.dockerfile;
  if (df) {
    for (const st of lineage(df, df.final))
      for (const r of st.runs)
        for (const c of r.commands) {
          const w = c.words.map((x) => x.text);
          const i = w.findIndex((a) => /(^|\/)manage\.py$/.test(a));
          if (i > 0 && /python/.test(w[i - 1] ?? '') && !w[i]!.includes('$'))
            manage(w[i]!, r.workdir, { file: df.path, line: r.line }, w.slice(i - 1, i + 2).join(' '), true);
        }
  }
  // The server imports its application module from its working directory (and PYTHONPATH).
  if (server?.app && server.kind !== 'runserver' && !server.app.includes('$') && !server.app.includes('/')) {
    const module = server.app.split(':')[0]!;
    const rel = module.split('.').join('/');
    const rels = [`${rel}.py`, `${rel}/__init__.py`];
    out.push({
      paths: pythonRoots(p).flatMap((r) => rels.map((x) => posix.join(r, x))),
      rel: rels,
      where: server.where,
      what: `${server.kind} ${server.app}`,
      build: false,
    });
  }
  return out;
}

interface Misplaced {
  copy: DfCopy;
  /** Where the code lands: the COPY's destination for the context folder holding it. */
  landed: string;
  uses: Use[];
}

const placements = new WeakMap<object, Misplaced[]>();

/**
 * WORKDIR and the COPY that brings the code disagree: commands that open files relative to the
 * working directory fail, while the same files exist under the COPY's destination. The COPY is
 * the cause (one finding); the failed imports are its consequences.
 */
export function misplacedCode(ctx: Ctx): Misplaced[] {
  const p = ctx.p;
  const cached = placements.get(p);
  if (cached) return cached;
  const out: Misplaced[] = [];
  const df = p.dockerfile;
  if (df && p.layout) {
    const copies = lineage(df, df.final)
      .flatMap((s) => s.copies)
      .filter((c) => c.from === undefined);
    for (const use of uses(ctx)) {
      if (use.paths.some((x) => p.layout!.exists(x) || bindMountFile(p.app, x, p.files))) continue;
      if (use.rel.length === 0) continue;
      // Which COPY brings a folder holding these files? Its destination is where they are.
      let found: { copy: DfCopy; landed: string } | undefined;
      for (const copy of [...copies].reverse()) {
        for (const src of copy.sources) {
          const source = posix.normalize(src.replace(/^\/+/, '')).replace(/(.)\/$/, '$1') || '.';
          const ctxDir = df.context === '.' ? source : posix.join(df.context, source);
          if (p.files.kind(ctxDir) !== 'dir') continue;
          // The file may sit directly in the copied folder or in a subfolder of it (src/manage.py).
          for (const sub of ['', ...subfolders(p, ctxDir)]) {
            if (
              !use.rel.some((r) => p.files.kind(posix.join(ctxDir, sub, r)) === 'file' && p.layout!.exists(posix.join(copy.dest, sub, r)))
            )
              continue;
            found = { copy, landed: posix.join(copy.dest, sub) };
            break;
          }
          if (found) break;
        }
        if (found) break;
      }
      if (!found) continue;
      const same = out.find((m) => m.copy === found!.copy && m.landed === found!.landed);
      if (same) same.uses.push(use);
      else out.push({ ...found, uses: [use] });
    }
  }
  placements.set(p, out);
  return out;
}

/** Subfolders a project often keeps its code in, below a copied folder. */
function subfolders(p: Ctx['p'], dir: string): string[] {
  return p.files
    .list(dir)
    .filter((n) => ['src', 'app', 'backend', 'django', 'web', 'project'].includes(n) && p.files.kind(posix.join(dir, n)) === 'dir');
}

const workdirCopyMismatch: RuleFn = (ctx) => {
  const p = ctx.p;
  const df = p.dockerfile;
  if (!df || !p.layout) return;
  const missing = p.command.scriptMissing;
  const entry = p.command.entrypoint;
  if (missing && entry) {
    const name = posix.basename(missing.imagePath);
    const local = listProjectFiles(p.files, 2).find((f) => posix.basename(f) === name);
    if (local) {
      ctx.report(
        'workdir-copy-mismatch',
        { file: entry.file, line: entry.line },
        `the entrypoint runs ${missing.arg}, which resolves to ${missing.imagePath} (working directory ${p.workdir.path}), but nothing copies ${local} there: "no such file or directory"`,
        `COPY ${local} to ${missing.imagePath} (or change the entrypoint path to where it is copied).`,
      );
    }
  }
  const wd = p.workdir.where
    ? `${p.workdir.path} (WORKDIR, ${p.workdir.where.file} line ${p.workdir.where.line})`
    : `${p.workdir.path} (no WORKDIR)`;
  const explained = new Set<Use>();
  for (const m of misplacedCode(ctx)) {
    for (const u of m.uses) explained.add(u);
    const first = m.uses.find((u) => u.build) ?? m.uses[0]!;
    const others = m.uses.filter((u) => u !== first);
    const symptom = first.rel[0]!.endsWith('manage.py')
      ? `"can't open file '${first.paths[0]}': No such file or directory"`
      : `"No module named '${first.rel[0]!.split('/')[0]!.replace(/\.py$/, '')}'"`;
    ctx.report(
      'workdir-copy-mismatch',
      { file: df.path, line: m.copy.line },
      `${m.copy.keyword} ${m.copy.sources.join(' ')} ${m.copy.dest} puts the code under ${m.landed}, but ${first.what} (${first.where.file} line ${first.where.line}) runs from ${first.build ? posix.dirname(first.paths[0]!) : wd}: ${symptom}${first.build ? ', and the build stops there' : ''}${
        others.length
          ? `; the same for ${others
              .slice(0, 3)
              .map((u) => `${u.what} (${u.where.file} line ${u.where.line})`)
              .join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}`
          : ''
      }`,
      `Make WORKDIR and the COPY destination the same folder (the one holding manage.py): WORKDIR ${m.landed}, or COPY to ${p.workdir.path}.`,
    );
  }
  // A command whose file is nowhere in the image (not a misplaced COPY): report it where it runs.
  const seen = new Set<string>();
  for (const use of uses(ctx)) {
    if (use.rel[0] !== 'manage.py' && !use.paths[0]!.endsWith('manage.py')) continue;
    if ([...explained].some((u) => u.where.file === use.where.file && u.where.line === use.where.line)) continue;
    if (seen.has(`${use.where.file}:${use.where.line}`)) continue;
    seen.add(`${use.where.file}:${use.where.line}`);
    if (use.paths.some((x) => p.layout!.exists(x) || bindMountFile(p.app, x, p.files))) continue;
    if (!p.managePy) continue;
    ctx.report(
      'workdir-copy-mismatch',
      use.where,
      `${use.what} opens ${use.paths[0]}${use.build ? '' : ` (working directory ${wd})`}, which is not in the image: "can't open file … No such file or directory"`,
      'Copy the project (with manage.py) to the working directory, or run manage.py by the path it is copied to.',
    );
  }
};

function moduleInImage(ctx: Ctx, module: string): { file?: string; tried: string[]; exists?: boolean } {
  const p = ctx.p;
  const rel = module.split('.').join('/');
  const tried: string[] = [];
  for (const r of pythonRoots(p)) {
    for (const c of [`${rel}.py`, `${rel}/__init__.py`]) {
      const imagePath = posix.join(r, c);
      tried.push(imagePath);
      const f = p.layout?.contextFile(imagePath) ?? bindMountFile(p.app, imagePath, p.files);
      if (f) return { file: f, tried };
      // Copied from another stage or written by the build: there, but not readable here.
      if (p.layout?.exists(imagePath)) return { tried, exists: true };
    }
  }
  return { tried };
}

/** Ways a module can be importable that the image layout does not show. */
export function importableElsewhere(ctx: Ctx): string | undefined {
  const p = ctx.p;
  const df = p.dockerfile;
  if (!df) return undefined;
  const selfInstall = lineage(df, df.final)
    .concat(df.stages.filter((s) => p.installed?.pipStages.includes(s.index)))
    .flatMap((s) => s.pipInstalls)
    .find((i) => i.project && i.lockTool !== 'pipenv');
  if (selfInstall) return `the project is installed as a package (line ${selfInstall.line})`;
  // Code fetched during the build (git clone, a download) is there, unseen.
  const fetch = lineage(df, df.final)
    .flatMap((s) => s.runs)
    .find((r) =>
      r.commands.some((c) => {
        const w = c.words.map((x) => x.text);
        const tool = (w[0] ?? '').split('/').pop();
        return (tool === 'git' && w[1] === 'clone') || ((tool === 'curl' || tool === 'wget') && w.some((x) => /\.(tar|zip|tgz)/.test(x)));
      }),
    );
  if (fetch) return `the build fetches code (line ${fetch.line})`;
  const remote = lineage(df, df.final)
    .flatMap((s) => s.copies)
    .find((c) => c.sources.some((x) => /^(https?|git):\/\//.test(x) || x.startsWith('git@')));
  if (remote) return `${remote.keyword} on line ${remote.line} adds code from a URL`;
  if (p.command.script?.commands.some((c) => c.words[0]?.text === 'cd'))
    return `${p.command.script.file} changes folder before it starts the server`;
  const pythonpath = p.runtimeEnv.get('PYTHONPATH');
  if (p.runtimeEnv.has('PYTHONPATH') && (pythonpath === undefined || pythonpath.includes('$')))
    return 'PYTHONPATH (set to a value the doctor cannot resolve) points elsewhere';
  return undefined;
}

async function wsgiModulePath(ctx: Ctx): Promise<void> {
  const p = ctx.p;
  const server = p.command.server;
  if (!server || !server.app || server.kind === 'runserver' || !p.layout || server.app.includes('$')) return;
  const app = server.app;
  if (app.includes('/') || app.endsWith('.py')) {
    ctx.report(
      'wsgi-module-path',
      server.where,
      `${server.kind} was given the path ${app}; it wants a dotted module and attribute like mysite.wsgi:application`,
      'Give module:attribute, and set --chdir to the folder holding the package.',
    );
    return;
  }
  const colon = app.indexOf(':');
  if (colon === -1 && server.kind === 'uvicorn') {
    ctx.report('wsgi-module-path', server.where, `uvicorn needs module:attribute, got ${app}`, `Write ${app}:application.`);
    return;
  }
  const module = colon === -1 ? app : app.slice(0, colon);
  const attr = colon === -1 ? 'application' : app.slice(colon + 1).replace(/\(.*$/, '');
  const found = moduleInImage(ctx, module);
  if (!found.file) {
    // The misplaced COPY is reported as the cause; this is its consequence.
    if (misplacedCode(ctx).some((m) => m.uses.some((u) => u.where === server.where))) return;
    if (found.exists) return;
    const unsure = importableElsewhere(ctx);
    ctx.report(
      'wsgi-module-path',
      server.where,
      `${server.kind} imports ${module}, but the image has none of ${found.tried.slice(0, 4).join(', ')}: "ModuleNotFoundError: No module named '${module.split('.')[0]}'"${unsure ? `, unless ${unsure}` : ''}`,
      'Point the app path at the package the code copies in, or set --chdir to the folder that holds it.',
      unsure ? 'warning' : 'error',
    );
    return;
  }
  const text = p.files.text(found.file);
  if (text === undefined) return;
  const names = await topLevelNames(text);
  if (names && !names.has('*') && !names.has(attr)) {
    ctx.report(
      'wsgi-module-path',
      server.where,
      `${found.file} defines no ${attr}: "Failed to find attribute '${attr}'"`,
      `Use the name ${found.file} assigns (startproject writes application).`,
    );
  }
}

const settingsModuleWrong: RuleFn = (ctx) => {
  const p = ctx.p;
  const s = p.settings;
  const server = p.command.server;
  if (!s) {
    // Only when the module the server imports was read and sets nothing: a config file the doctor
    // does not read (uwsgi.ini, a gunicorn config) may name a module that does.
    const app = server?.app?.split(':')[0];
    const appFile = app && !app.includes('$') ? moduleInImage(ctx, app).file : undefined;
    if (server && server.kind !== 'runserver' && p.dockerfile && appFile) {
      ctx.report(
        'settings-module-wrong',
        server.where,
        `nothing sets DJANGO_SETTINGS_MODULE for ${server.kind}: no ENV, no compose environment, no setdefault in ${appFile}`,
        'Set ENV DJANGO_SETTINGS_MODULE=<package>.settings in the Dockerfile.',
      );
    }
    return;
  }
  if (!s.file || s.inImage === false) {
    const roots = pythonRoots(p).join(', ');
    const rel = s.module.split('.').join('/');
    // The settings are there, under the misplaced COPY's destination: that COPY is the one finding.
    if (misplacedCode(ctx).some((m) => [`${rel}.py`, `${rel}/__init__.py`].some((r) => p.layout?.exists(posix.join(m.landed, r))))) return;
    if (pythonRoots(p).some((r) => [`${rel}.py`, `${rel}/__init__.py`].some((c) => p.layout?.exists(posix.join(r, c))))) return;
    const unsure = p.layout ? importableElsewhere(ctx) : 'the image holds it (no Dockerfile here says what it holds)';
    ctx.report(
      'settings-module-wrong',
      s.source,
      `DJANGO_SETTINGS_MODULE is ${s.module} (${s.source.how === 'setdefault' ? 'setdefault' : 'set'} in ${s.source.file} line ${s.source.line}), but ${rel}.py is not ${p.layout ? `in the image (looked under ${roots})` : 'in the project'}: "No module named '${s.module}'"${unsure ? `, unless ${unsure}` : ''}`,
      'Name the settings module the code really has, relative to the working directory.',
      unsure ? 'warning' : 'error',
    );
  }
  for (const m of s.symbolic.missing) {
    // An import inside try/except (or a branch) is allowed to fail: `try: from .local import * except ImportError: pass`.
    if (m.guarded) continue;
    ctx.report(
      'settings-module-wrong',
      { file: m.file, line: m.line },
      `the settings import ${m.module}, which does not exist: "No module named '${m.module}'"`,
      'Fix the import or add the module.',
    );
  }
};

export const LAYOUT_RULES: Record<string, RuleFn | ((ctx: Ctx) => Promise<void>)> = {
  'build-context-missing-file': buildContextMissingFile,
  'dockerignore-missing': dockerignoreMissing,
  'workdir-copy-mismatch': workdirCopyMismatch,
  'wsgi-module-path': wsgiModulePath,
  'settings-module-wrong': settingsModuleWrong,
};
