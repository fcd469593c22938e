/**
 * render: lay the plan out as files. EJS templates do the layout; this module only picks the
 * templates, merges into files the user already has (never dropping a line of theirs) and
 * formats what prettier can format. Pure: same plan and same inputs, same bytes.
 */
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import ejs from 'ejs';
import { UsageError } from '../common/errors.ts';
import { isInside, realRoot } from '../common/confine.ts';
import { readText } from '../common/read-file.ts';
import { escape, helpers } from './template-helpers.mjs';
import { stripComments } from './explain.ts';
import type { EnvVar, Plan } from './plan.ts';
import { SET_BY_IMAGE } from './environment.ts';
import { evaluateModule } from '../project/python-eval.ts';
import { scriptReads } from '../doctor/parse/shell-words.ts';
import { templatesDir } from '../common/paths.ts';
import { mergeManagedRequirements } from './requirements-merge.ts';
import { basePath, renderState } from '../project/state.ts';
import { parseDotEnv } from '../project/dotenv.ts';
import { mergeComposeServices } from './compose-merge.ts';
import { outputPath, outputsFor } from './outputs.ts';

export interface OutputFile {
  /** Relative to the project root, posix separators. */
  path: string;
  contents: string;
  /** File mode when it matters (scripts). */
  mode?: number;
  /** How it came to be: shown in the summary. `merged`: its contents already keep every line of the user's. */
  action: 'template' | 'merged';
  why: string;
  /** Keep this version in .django-docker/base/: the next run merges the file three ways against it. */
  mergeBase?: boolean;
  /** Packages the user and the generator both changed, one line each (requirements files). */
  conflicts?: string[];
}

export interface RenderOptions {
  /** Take the generator's version of a package the user changed (--force). */
  force?: boolean;
}

/** Reads a file the user already has, relative to the project root; undefined when absent. */
export type ExistingFile = (path: string) => string | undefined;

/** `plan.a.b` paths a template reads. */
function planReferences(template: string): Set<string> {
  return new Set([...template.matchAll(/\bplan(?:\.[A-Za-z_]\w*)+/g)].map((m) => m[0]));
}

/** The organisation's template of that name, if its folder has one; inside the project when the folder is. */
function overrideFile(name: string, plan: Plan, root: string | undefined): string | undefined {
  if (!plan.templatesOverride || root === undefined) return undefined;
  const folder = resolve(root, plan.templatesOverride);
  const file = join(folder, name);
  if (!lstatSync(file, { throwIfNoEntry: false })) return undefined;
  const project = realRoot(root);
  if (isInside(project, realpathSync(folder))) {
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      throw new UsageError(`${plan.templatesOverride}/${name} is a symbolic link to nothing: remove it, or make it a file`);
    }
    if (!isInside(project, real)) {
      throw new UsageError(`${plan.templatesOverride}/${name} leads to ${real}, outside the project: keep the templates inside it`);
    }
  }
  return file;
}

/** Template text: the organisation's override when it has one of that name, else the bundled one. */
function templateSource(name: string, plan: Plan, root: string | undefined): { file: string; text: string; override: boolean } {
  const bundled = join(templatesDir('app'), name);
  const bundledText = readFileSync(bundled, 'utf8');
  const override = overrideFile(name, plan, root);
  if (override === undefined) return { file: bundled, text: bundledText, override: false };
  const text = readText(override, `${plan.templatesOverride}/${name}`, { maxBytes: 256 * 1024 });
  // An override that drops a value the bundled template uses would let two places disagree again.
  const overrideRefs = planReferences(text);
  const missing = [...planReferences(bundledText)].filter(
    (ref) => !overrideRefs.has(ref) && ![...overrideRefs].some((o) => o.startsWith(`${ref}.`)),
  );
  if (missing.length > 0) {
    throw new UsageError(
      `${plan.templatesOverride}/${name} does not use ${missing.join(', ')}, which the bundled template does: add them, so every value the plan provides still reaches the file`,
    );
  }
  return { file: override, text, override: true };
}

/** How long an organisation's template may take to render. */
export const TEMPLATE_TIME_LIMIT_MS = 5000;

/** The line number EJS reports for an error in `file`, if any. */
function ejsErrorLine(error: string, file: string): string | undefined {
  const at = error.indexOf(`${file}:`);
  return at < 0 ? undefined : /^\d+/.exec(error.slice(at + file.length + 1))?.[0];
}

/**
 * An organisation's template runs in a worker thread with a time limit: it is code, and a loop or
 * a process.exit() in it must not hang or end the run. The main thread waits for it synchronously.
 */
function renderInWorker(text: string, file: string, shown: string, plan: Plan): string {
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./template-worker.mjs', import.meta.url), {
    workerData: { shared, port: port2, text, filename: file, plan: JSON.parse(JSON.stringify(plan)) as unknown },
    transferList: [port2],
    // Its output is not the run's: a template that prints is not heard.
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  try {
    if (Atomics.wait(shared, 0, 0, TEMPLATE_TIME_LIMIT_MS) === 'timed-out') {
      throw new UsageError(
        `${shown} did not finish rendering within ${TEMPLATE_TIME_LIMIT_MS / 1000} s: a template is code, look for a loop in it`,
      );
    }
    const reply = receiveMessageOnPort(port1)?.message as { text?: string; error?: string; exited?: number } | undefined;
    if (reply?.text !== undefined) return reply.text;
    if (reply?.error !== undefined) {
      // EJS puts `file:line`, an excerpt and the message on separate lines: keep the line number and the message.
      const line = ejsErrorLine(reply.error, file);
      const message = reply.error.trim().split('\n').at(-1)!.trim();
      throw new UsageError(`${shown}${line ? ` line ${line}` : ''}: ${message}; fix the template`);
    }
    throw new UsageError(`${shown} stopped the renderer (exit code ${reply?.exited ?? 'unknown'}): a template must only lay text out`);
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/** A template rendered for the plan; without comments when the answers say so (`keepComments` for notes that must stay). */
function renderTemplate(name: string, plan: Plan, root?: string, keepComments = false): string {
  const { file, text, override } = templateSource(name, plan, root);
  const out = override
    ? renderInWorker(text, file, `${plan.templatesOverride}/${name}`, plan)
    : ejs.render(text, { plan, ...helpers }, { filename: file, escape });
  return plan.answers.comments || keepComments || name.endsWith('.md.ejs') ? out : stripComments(name.replace(/\.ejs$/, ''), out);
}

/**
 * Prettier lays out YAML and Markdown that came from an organisation's override template. The
 * bundled templates are written prettier-clean (a unit test runs prettier over every scenario's
 * output and expects no change), so the usual run skips its ~100 ms.
 */
async function formatWithPrettier(path: string, text: string, template: string, plan: Plan, root: string | undefined): Promise<string> {
  if (!isOverridden(template, plan, root)) return text;
  const prettier = await import('prettier');
  return prettier.format(text, { filepath: path, proseWrap: 'preserve' });
}

function isOverridden(name: string, plan: Plan, root: string | undefined): boolean {
  return overrideFile(name, plan, root) !== undefined;
}

/** Lines of an ignore-style file that are patterns (no comments, no blanks). */
function patterns(text: string): Set<string> {
  return new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
}

/** Add the generator's patterns the user's file lacks, below theirs; theirs are kept byte for byte. */
function mergeIgnoreStyle(existing: string, ours: string, note: string): string {
  const have = patterns(existing);
  const missing = [...patterns(ours)].filter((p) => !have.has(p));
  if (missing.length === 0) return existing;
  const base = existing.endsWith('\n') || existing === '' ? existing : `${existing}\n`;
  return `${base}\n# ${note}\n${missing.join('\n')}\n`;
}

const MERGE_NOTE = 'Added by generator-django-docker: the container setup needs these';

/**
 * Variables an organisation's override of the entrypoint or the container settings reads that
 * the plan does not pass yet: passed through to the web service when set (`NAME:` in compose),
 * so what the user sets in .env reaches the file that reads it.
 */
export async function withOverrideReads(plan: Plan, root: string | undefined): Promise<Plan> {
  const reads = new Map<string, string>();
  if (plan.migrateOnStart && isOverridden('docker-entrypoint.sh.ejs', plan, root))
    for (const name of scriptReads(renderTemplate('docker-entrypoint.sh.ejs', plan, root))) reads.set(name, 'the entrypoint');
  if (isOverridden('settings_container.py.ejs', plan, root)) {
    const text = renderTemplate('settings_container.py.ejs', plan, root);
    const result = await evaluateModule('container', 'container.py', {
      read: (f) => (f === 'container.py' ? text : undefined),
      moduleFile: () => undefined,
      imagePath: (f) => f,
    });
    for (const r of result.envReads) reads.set(r.name, 'the container settings');
  }
  const known = new Set(plan.env.map((e) => e.name));
  const extra = [...reads]
    .filter(([name]) => !known.has(name) && !SET_BY_IMAGE.has(name))
    .map(([name, where]): EnvVar => ({
      name,
      compose: '',
      passThrough: true,
      example: '',
      optional: true,
      why: `read by ${where} (${plan.templatesOverride}): passed to the app only when set here`,
    }));
  return extra.length > 0 ? { ...plan, env: [...plan.env, ...extra] } : plan;
}

/** The lines of .gitignore's template that keep .env out of git: its first paragraph, up to `.env`. */
function envIgnoreLines(template: string): string {
  const lines = template.split('\n');
  return `${lines.slice(0, lines.indexOf('.env') + 1).join('\n')}\n`;
}

/** Lay the plan out: one file per row of the output table that the plan writes, merged where the row says. */
export async function renderFiles(plan: Plan, existing: ExistingFile, root?: string, options: RenderOptions = {}): Promise<OutputFile[]> {
  const out: OutputFile[] = [];
  const add = (path: string, contents: string, why: string, extra: Partial<OutputFile> = {}): void => {
    out.push({ path, contents, why, action: 'template', ...extra });
  };
  /** A file the generator lays out whole: later runs merge the user's edits three ways. */
  const own = (path: string, contents: string, why: string, extra: Partial<OutputFile> = {}): void =>
    add(path, contents, why, { mergeBase: true, ...extra });
  /** YAML and Markdown from an organisation's template go through prettier. */
  const render = async (path: string, template: string): Promise<string> => {
    const text = renderTemplate(template, plan, root);
    return /\.(ya?ml|md)$/.test(path) ? formatWithPrettier(path, text, template, plan, root) : text;
  };

  // The requirement lines the generator manages (the state row records them), and the compose
  // file, which the state row also records when it is the project's own.
  let managed: string[] = [];
  let composeResult: ReturnType<typeof renderCompose> | undefined;
  const compose = async (): Promise<ReturnType<typeof renderCompose>> =>
    (composeResult ??= renderCompose(plan, existing, await render('compose.yaml', 'compose.yaml.ejs')));

  for (const row of outputsFor(plan)) {
    const path = outputPath(row, plan);
    const why = row.summary(plan);
    const mode = row.mode !== undefined ? { mode: row.mode } : {};
    switch (row.strategy) {
      case 'add':
        add(path, await render(path, row.template!), why, mode);
        // A new project's Django pin is its own from now on; the container's needs stay the generator's.
        if (path === 'requirements.txt') managed = plan.requirements.wanted.map((w) => w.line);
        break;
      case 'own':
        own(path, await render(path, row.template!), why, mode);
        break;
      case 'merge-ignore': {
        const ours = renderTemplate(row.template!, plan, root);
        const theirs = existing(path);
        if (theirs === undefined) add(path, ours, why);
        else add(path, mergeIgnoreStyle(theirs, ours, MERGE_NOTE), why, { action: 'merged' });
        break;
      }
      case 'merge-requirements': {
        const { format, previous, wanted, listedElsewhere } = plan.requirements;
        const text = existing(path);
        if (text === undefined && plan.requirements.additions.length === 0) break;
        const merged = mergeManagedRequirements({
          file: path,
          format: format as 'requirements' | 'pyproject',
          text: text ?? '',
          managed: previous,
          needs: wanted,
          elsewhere: listedElsewhere,
          force: Boolean(options.force),
        });
        managed = merged.managed;
        const changes = [
          ...(merged.added.length ? [`added ${merged.added.join(', ')}`] : []),
          ...(merged.removed.length ? [`took out ${merged.removed.join(', ')}`] : []),
        ];
        add(path, merged.text, text === undefined ? `the project had none: ${merged.added.join(', ')}` : [...changes, why].join('; '), {
          action: 'merged',
          ...(merged.conflicts.length ? { conflicts: merged.conflicts } : {}),
        });
        break;
      }
      case 'state': {
        const adopted = (await compose()).adopted;
        out.push({
          path,
          contents: renderState({ addedRequirements: managed, ...(adopted ? { compose: adopted } : {}) }),
          action: 'template',
          why,
        });
        break;
      }
      case 'merge-compose': {
        const result = await compose();
        if (!result.adopted) own(path, result.text, why);
        else if (result.first) {
          // Their file, first run: the merge keeps every line of theirs; from now on it merges three ways.
          own(path, result.text, `${why}, added to your services (${result.theirs.join(', ') || 'none yet'})`, { action: 'merged' });
        } else own(path, result.text, `${why}, next to your services (${result.theirs.join(', ') || 'none'})`);
        break;
      }
      case 'merge-env-example': {
        const example = renderTemplate(row.template!, plan, root);
        const theirs = existing(path);
        // The project's own .env.example (no merge base of ours, or our marker in it) keeps every line.
        if (theirs === undefined || theirs === example || (existing(basePath(path)) !== undefined && !theirs.includes(ENV_MARKER)))
          own(path, example, why);
        else
          add(path, mergeEnvExample(theirs, example), 'your lines kept; what compose reads added below the marked line', {
            action: 'merged',
          });
        break;
      }
      case 'gitignore': {
        // The note on .env stays with --no-comments too: the file is the user's, and it says why the line is there.
        const ours = renderTemplate(row.template!, plan, root, true);
        const theirs = existing(path);
        if (theirs === undefined) add(path, ours, why);
        else if (!patterns(theirs).has('.env') && !patterns(theirs).has('.env*')) {
          add(path, `${theirs.endsWith('\n') || theirs === '' ? theirs : `${theirs}\n`}\n${envIgnoreLines(ours)}`, why, {
            action: 'merged',
          });
        }
        break;
      }
    }
  }
  return out;
}

/**
 * The compose file: ours from the template, or, when the project already has one that docker
 * compose reads, theirs with our services merged in (a second file would silently replace theirs).
 */
function renderCompose(
  plan: Plan,
  existing: ExistingFile,
  ours: string,
): { text: string; adopted?: { file: string; services: string[]; volumes: string[] }; first?: boolean; theirs: string[] } {
  const file = plan.compose.file;
  const theirs = existing(file);
  const previous = plan.compose.previous?.file === file ? plan.compose.previous : undefined;
  // Ours: no file yet, or the one an earlier run wrote from the template (its merge base is there).
  if (theirs === undefined || theirs === ours || (!previous && existing(basePath(file)) !== undefined)) return { text: ours, theirs: [] };
  const base = previous ? existing(basePath(file)) : undefined;
  const merged = mergeComposeServices({
    file,
    // Re-runs start from what the generator wrote last time; the three-way merge brings in the edits since.
    text: base ?? theirs,
    ours,
    previous: previous ?? { services: [], volumes: [] },
    flags: {
      [plan.compose.web]: '--web-service',
      ...(plan.database.service ? { [plan.database.service.name]: '--db-service' } : {}),
    },
    vars: new Map(parseDotEnv(existing('.env') ?? '').entries.map((e) => [e.name, e.value])),
    exists: (path) => existing(posix.normalize(posix.join(posix.dirname(file), path))) !== undefined,
  });
  return {
    text: merged.text,
    adopted: { file, services: merged.services, volumes: merged.volumes },
    first: base === undefined,
    theirs: merged.others,
  };
}

/** The line above the generator's part of a project's own .env.example; a re-run rewrites what is below it. */
export const ENV_MARKER = '# ---- Added by generator-django-docker: what compose reads; a re-run rewrites the lines below ----';

/**
 * A project's own .env.example with the container's variables below the marker: every line of
 * theirs stays, and a variable they already list is not repeated.
 */
export function mergeEnvExample(theirs: string, ours: string): string {
  const at = theirs.split('\n').findIndex((l) => l.trim() === ENV_MARKER);
  const own = at === -1 ? theirs : theirs.split('\n').slice(0, at).join('\n');
  const defined = new Set(parseDotEnv(own).entries.map((e) => e.name));
  // Our file is paragraphs of comments and one NAME=value line each; drop those they define.
  const paragraphs = ours
    .trimEnd()
    .split(/\n\n+/)
    .filter((p) => {
      const assignment = p.split('\n').find((l) => !l.startsWith('#'));
      return !assignment || !defined.has(assignment.split('=')[0]!.trim());
    });
  const head = own.trimEnd();
  return `${head}${head ? '\n\n' : ''}${ENV_MARKER}\n${paragraphs.join('\n\n')}\n`;
}

/** `.env` for a first run: the example's values with fresh secrets. Written only when absent. */
export function renderDotEnv(plan: Plan, secret: (length: number, name: string) => string): string {
  const example = renderTemplate('env.example.ejs', plan);
  const secretNames = new Set(plan.env.filter((v) => v.secret).map((v) => v.name));
  const header = '# Local secrets for docker compose, made by generator-django-docker. Keep out of git.\n';
  return (
    header +
    example
      .split('\n')
      .filter((line, i) => i > 2 || !line.startsWith('#'))
      .map((line) => {
        const name = line.split('=')[0]!;
        return secretNames.has(name) && !line.startsWith('#') ? `${name}=${secret(name === 'DJANGO_SECRET_KEY' ? 50 : 32, name)}` : line;
      })
      .join('\n')
  );
}

/** Variables this setup reads that an existing `.env` lacks, appended; every existing line stays. */
export function appendMissingEnv(plan: Plan, env: string, secret: (length: number, name: string) => string): string {
  const have = new Set(
    env
      .split('\n')
      .map((l) => /^\s*(?:export\s+)?(\w+)\s*=/.exec(l)?.[1])
      .filter(Boolean),
  );
  const missing = plan.env.filter((v) => v.example !== undefined && !v.optional && !have.has(v.name));
  if (missing.length === 0) return env;
  const lines = missing.map((v) => `${v.name}=${v.secret ? secret(v.name === 'DJANGO_SECRET_KEY' ? 50 : 32, v.name) : v.example}`);
  const base = env === '' || env.endsWith('\n') ? env : `${env}\n`;
  return `${base}\n# Added by generator-django-docker for the current answers\n${lines.join('\n')}\n`;
}
