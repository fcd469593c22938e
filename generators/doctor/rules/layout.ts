/**
 * Catalogue section C: build context, layout and module paths.
 */
import { posix } from 'node:path';
import { topLevelNames } from '../../project/python.ts';
import { lineAt } from '../parse/shell-words.ts';
import { bindMountFile, pythonRoots } from '../load.ts';
import { listProjectFiles } from '../project.ts';
import type { Ctx, RuleFn } from './util.ts';
import { imageVenv } from './util.ts';

const buildContextMissingFile: RuleFn = (ctx) => {
  const p = ctx.p;
  const df = p.dockerfile;
  const app = p.app;
  if (app?.build) {
    if (p.files.kind(app.build.context) !== 'dir') {
      ctx.report(
        'build-context-missing-file',
        { file: app.build.file, line: app.build.line },
        `build context ${app.build.context} is not a folder`,
        'Point build.context at the folder that holds the code and the Dockerfile.',
      );
      return;
    }
    if (p.files.kind(app.build.dockerfile) !== 'file') {
      ctx.report(
        'build-context-missing-file',
        { file: app.build.file, line: app.build.line },
        `the Dockerfile ${app.build.dockerfile} does not exist`,
        'Fix build.dockerfile (it is relative to the context).',
      );
    }
  }
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
  // A COPY of the whole context (or of a folder) is what carries local state into the image.
  const bulk = df.final.copies.find(
    (c) =>
      c.from === undefined &&
      c.sources.some((s) => ['.', './'].includes(s) || p.files.kind(df.context === '.' ? s : posix.join(df.context, s)) === 'dir'),
  );
  const allBulk = [df.final, ...df.stages]
    .flatMap((s) => s.copies)
    .find((c) => c.from === undefined && c.sources.some((s) => ['.', './'].includes(s)));
  const copy = bulk ?? allBulk;
  if (!copy) return;
  const wholeContext = copy.sources.some((s) => ['.', './'].includes(s));
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

/** Image paths the container's commands open relative to the working directory. */
function scriptPaths(ctx: Ctx): Array<{ path: string; where: { file: string; line: number }; what: string }> {
  const p = ctx.p;
  const out: Array<{ path: string; where: { file: string; line: number }; what: string }> = [];
  const cwd = p.workdir.path;
  const server = p.command.server;
  if (server?.kind === 'runserver') {
    const mp = server.argv.find((a) => /(^|\/)manage\.py$/.test(a));
    if (mp)
      out.push({ path: posix.isAbsolute(mp) ? mp : posix.join(cwd, mp), where: server.where, what: server.argv.slice(0, 3).join(' ') });
  }
  const script = p.command.script;
  if (script) {
    let dir = cwd;
    for (const c of script.commands) {
      const w = c.words.map((x) => x.text);
      if (w[0] === 'cd' && w[1] && !w[1].includes('$')) dir = posix.isAbsolute(w[1]) ? w[1] : posix.join(dir, w[1]);
      const i = w.findIndex((a) => /(^|\/)manage\.py$/.test(a));
      if (i > 0 && /python/.test(w[i - 1] ?? ''))
        out.push({
          path: posix.isAbsolute(w[i]!) ? w[i]! : posix.join(dir, w[i]!),
          where: { file: script.file, line: lineAt(script.text, c.start) },
          what: w.slice(0, i + 2).join(' '),
        });
    }
  }
  return out;
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
  const seen = new Set<string>();
  for (const use of scriptPaths(ctx)) {
    if (seen.has(`${use.where.file}:${use.where.line}`)) continue;
    seen.add(`${use.where.file}:${use.where.line}`);
    if (p.layout.exists(use.path) || bindMountFile(p.app, use.path, p.files)) continue;
    // Where does manage.py land instead?
    const landed: string[] = [];
    for (const copy of df.final.copies) {
      if (copy.from !== undefined) continue;
      for (const src of copy.sources) {
        const source = posix.normalize(src) || '.';
        if (p.files.kind(df.context === '.' ? source : posix.join(df.context, source)) !== 'dir') continue;
        const mp = p.managePy;
        if (!mp) continue;
        const rel = source === '.' ? mp : mp.startsWith(`${source}/`) ? mp.slice(source.length + 1) : undefined;
        if (rel !== undefined) landed.push(`${copy.dest === '/' ? '' : copy.dest}/${rel} (COPY on line ${copy.line})`);
      }
    }
    const wd = p.workdir.where ? ` (working directory from ${p.workdir.where.file} line ${p.workdir.where.line})` : ' (no WORKDIR: /)';
    ctx.report(
      'workdir-copy-mismatch',
      use.where,
      `${use.what} opens ${use.path}${wd}, which is not in the image${landed.length ? `; manage.py is copied to ${landed.join(', ')}` : ''}: "can't open file … No such file or directory"`,
      'Make WORKDIR and the COPY destination the same folder (the one holding manage.py).',
    );
  }
};

function moduleInImage(ctx: Ctx, module: string): { file?: string; tried: string[] } {
  const p = ctx.p;
  const rel = module.split('.').join('/');
  const tried: string[] = [];
  for (const r of pythonRoots(p)) {
    for (const c of [`${rel}.py`, `${rel}/__init__.py`]) {
      const imagePath = posix.join(r, c);
      tried.push(imagePath);
      const f = p.layout?.contextFile(imagePath) ?? bindMountFile(p.app, imagePath, p.files);
      if (f) return { file: f, tried };
    }
  }
  return { tried };
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
    ctx.report(
      'wsgi-module-path',
      server.where,
      `${server.kind} imports ${module}, but the image has none of ${found.tried.slice(0, 4).join(', ')}: "ModuleNotFoundError: No module named '${module.split('.')[0]}'"`,
      'Point the app path at the package the code copies in, or set --chdir to the folder that holds it.',
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
    if (server && server.kind !== 'runserver' && p.dockerfile) {
      ctx.report(
        'settings-module-wrong',
        server.where,
        `nothing sets DJANGO_SETTINGS_MODULE for ${server.kind}: no ENV, no compose environment, no setdefault in the app module`,
        'Set ENV DJANGO_SETTINGS_MODULE=<package>.settings in the Dockerfile.',
      );
    }
    return;
  }
  if (!s.file || s.inImage === false) {
    const roots = pythonRoots(p).join(', ');
    ctx.report(
      'settings-module-wrong',
      s.source,
      `DJANGO_SETTINGS_MODULE is ${s.module} (${s.source.how === 'setdefault' ? 'setdefault' : 'set'} in ${s.source.file} line ${s.source.line}), but ${s.module.split('.').join('/')}.py is not ${p.layout ? `in the image (looked under ${roots})` : 'in the project'}: "No module named '${s.module}'"`,
      'Name the settings module the code really has, relative to the working directory.',
    );
  }
  for (const m of s.symbolic.missing) {
    ctx.report(
      'settings-module-wrong',
      { file: m.file, line: m.line },
      `the settings import ${m.module}, which does not exist`,
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
