/**
 * `yo django-docker` / `npx django-docker`: detect → answers → plan → render, then write.
 * Decisions live in ../model; this class only asks, writes and reports.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, type Stats } from 'node:fs';
import { basename, relative, sep } from 'node:path';
import { Transform } from 'node:stream';
import { createConflicterTransform, createYoResolveTransform, forceYoFiles } from '@yeoman/conflicter';
import { createTwoFilesPatch } from 'diff';
import Generator, { type BaseOptions } from 'yeoman-generator';
import {
  type Answers,
  type AnswerKey,
  databaseSwitchNote,
  defaultAnswers,
  dropForeignDbVersion,
  finaliseAnswers,
  pythonDefault,
  answerWarnings,
  QUESTIONS,
  type RawAnswers,
  validateAnswer,
} from '../generate/answers.ts';
import { AmbiguousProjectError, type Detected, detect } from '../project/detect.ts';
import { checkDependencies } from '../generate/dependencies.ts';
import { gitMode, readGitIndex } from '../project/git-index.ts';
import { UsageError, visible } from '../common/errors.ts';
import { buildPlan, checkPlan, type Plan } from '../generate/plan.ts';
import { ANSWER_FLAGS, ORG_FLAGS, RUN_FLAGS } from '../generate/flags.ts';
import { appendMissingEnv, renderDotEnv, renderFiles, withOverrideReads } from '../generate/render.ts';
import { renderKubernetesEnv } from '../generate/kubernetes.ts';
import { reconcile, type Reconciled, type Status } from '../generate/reconcile.ts';
import { basePath, STATE_DIR, storedBases } from '../project/state.ts';
import {
  checkTemplates,
  loadOrgConfig,
  type OrgConfig,
  parseLabelFlags,
  TRUST_FLAG,
  withPlaceholderCredentials,
} from '../generate/org-config.ts';
import { locateInside } from '../common/confine.ts';
import { ProjectLock } from '../common/project-lock.ts';
import { runState } from '../common/run-state.ts';
import { decodeUtf8, readBytesIfExists } from '../common/read-file.ts';
import { checkTargets, commitStaged, Interrupted, type StagedWrite } from '../common/staged-write.ts';

/** A file of Yeoman's in-memory file system, as far as the commit reads it. */
interface MemFile {
  path: string;
  contents: Buffer | null;
  stat?: { mode?: number } | null;
  state?: string;
  stateCleared?: string;
  committed?: boolean;
  isNew?: boolean;
  conflicter?: string;
}

/** The conflicter's options: --force and --dry-run given to the environment (yo, yeoman-test). */
interface ConflicterOptions {
  force?: boolean;
  dryRun?: boolean;
}

/** yeoman-environment 6 keeps them on the instance, outside the environment type generators see: read as data. */
function conflicterOptions(env: object): ConflicterOptions {
  const value: unknown = Reflect.get(env, 'conflicterOptions');
  return value !== null && typeof value === 'object' ? value : {};
}

/** As mem-fs-editor decides what its commit writes: changed files, and removed ones that exist on disk. */
const isPending = (file: MemFile): boolean =>
  file.state === 'modified' || (file.state === 'deleted' && !(file.isNew ??= !existsSync(file.path)));

/** The generator's saved answers: a JSON object (or none); anything else is refused before Yeoman reads it. */
function checkYoRc(root: string): void {
  const info = locateInside(root, '.yo-rc.json', '.yo-rc.json');
  if (info.kind === 'absent') return;
  const bytes = readBytesIfExists(info.real, '.yo-rc.json', { noFollow: true, maxBytes: 1024 * 1024 });
  if (bytes === undefined) return;
  let data: unknown;
  try {
    data = JSON.parse(decodeUtf8(bytes, '.yo-rc.json'));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      `.yo-rc.json is not valid JSON (${(err as Error).message.split('\n')[0]}): fix it, or delete it to answer the questions again`,
    );
  }
  const ours = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>)['generator-django-docker'] : 0;
  if (
    !data ||
    typeof data !== 'object' ||
    Array.isArray(data) ||
    (ours !== undefined && (!ours || typeof ours !== 'object' || Array.isArray(ours)))
  ) {
    throw new UsageError(
      '.yo-rc.json must hold a JSON object with the saved answers under "generator-django-docker": fix it, or delete it to answer the questions again',
    );
  }
}

/**
 * What the generator is given: the run flags, each question's answer under its flag or its key,
 * each organisation setting under its flag or its key (the bin passes keys, yo passes flags).
 */
export type AppOptions = BaseOptions &
  RawAnswers & {
    yes?: boolean;
    ask?: boolean;
    force?: boolean;
    dryRun?: boolean;
    /** The bin says whether a terminal can answer prompts. */
    interactive?: boolean;
    trustProjectTemplates?: boolean;
    [flag: string]: unknown;
  };

/** .yo-rc.json's part of ours: the answers, and the organisation settings given as flags. */
export type SavedConfig = Partial<Answers> & { organisation?: OrgConfig };

/** URL-safe secret without `$`, quotes, `#` or `@` (compose-dollar-interpolation). */
function secret(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

export default class AppGenerator extends Generator<SavedConfig, AppOptions> {
  detected!: Detected;
  raw: RawAnswers = {};
  answers!: Answers;
  plan!: Plan;
  files: Reconciled[] = [];
  envNote = '';
  /** What this run did to k8s/.env, the cluster Secret's values. */
  kubeEnvNote = '';
  organisation: OrgConfig = {};
  /** Organisation settings given as flags (now or in an earlier run): saved with the answers. */
  organisationFlags: OrgConfig = {};
  /** Answers saved by an earlier run, for the summary of what changed. */
  previous: Partial<Answers> | undefined;
  /** Answers given as flags in this run. */
  flagged = new Set<AnswerKey>();
  /** Lines for the summary about answers the run changed by itself. */
  answerNotes: string[] = [];

  constructor(args?: string[], options?: AppOptions) {
    // customInstallTask: nothing to npm-install here, and no "package.json" chatter.
    // tasksMatchingPriority: only the lifecycle methods (initializing … end) are tasks, not the helpers.
    super(args ?? [], options ?? ({} as AppOptions), { customInstallTask: true, tasksMatchingPriority: true });
    // The run writes its files itself, all or nothing (see commitRun).
    this.setFeatures({ customCommitTask: () => this.commitRun() });
    // The flags as the bin declares them (generate/flags.ts): the run flags yo takes, the questions, the organisation settings.
    for (const f of RUN_FLAGS.filter((x) => x.generator)) {
      this.option(f.name, { type: Boolean, description: f.description, default: false, ...(f.short ? { alias: f.short } : {}) });
    }
    for (const f of ANSWER_FLAGS) {
      this.option(f.name, { type: String, description: f.description + (f.choices ? ` (${f.choices.join('|')})` : ''), hide: false });
    }
    for (const f of ORG_FLAGS) this.option(f.name, { type: f.repeatable ? Array : String, description: f.description, hide: false });
  }

  /** The app name is the folder's: the project's package.json is not ours to read (and may not be valid JSON). */
  override determineAppname(): string {
    return basename(this.destinationRoot());
  }

  /** Yeoman reads .yo-rc.json here: a broken one gets one line instead of a stack trace. */
  override _getStorage(...args: Parameters<Generator['_getStorage']>): ReturnType<Generator['_getStorage']> {
    checkYoRc(this.destinationRoot());
    return super._getStorage(...args);
  }

  /** Organisation settings: home and project config files, then what this and earlier runs gave as flags. */
  private loadOrganisation(): OrgConfig {
    const o = this.options;
    const flags: OrgConfig = { ...(this.config.get('organisation') ?? {}) };
    for (const f of ORG_FLAGS) {
      const key = f.key;
      const value = o[f.name] ?? o[key];
      if (value === undefined || value === null) continue;
      if (value === '' || value === true) throw new UsageError(`--${f.name} needs a value (see --help)`);
      if (f.repeatable) flags.labels = { ...flags.labels, ...parseLabelFlags(([] as unknown[]).concat(value).map(String)) };
      else (flags as Record<string, unknown>)[key] = String(value);
    }
    // .yo-rc.json is committed: an index URL's credentials are saved as placeholders, the real ones go to .env.
    this.organisationFlags = flags.pipIndexUrl ? { ...flags, pipIndexUrl: withPlaceholderCredentials(flags.pipIndexUrl) } : flags;
    const root = this.destinationRoot();
    const loaded = loadOrgConfig(root, flags);
    // Templates are code: they run only from the home file's folder, or from the project when trusted.
    checkTemplates(root, loaded, Boolean(o[TRUST_FLAG] ?? o.trustProjectTemplates));
    return loaded.config;
  }

  /** A flag's value, under its dashed or camelCase name. */
  private flag(key: AnswerKey, flag: string): unknown {
    return this.options[flag] ?? this.options[key];
  }

  private switchOn(name: 'yes' | 'ask'): boolean {
    return Boolean(this.options[name]);
  }

  /** The project's lock, held from the first read to the last write. */
  private lock: ProjectLock | undefined;
  /** SIGINT/SIGTERM seen while the commit prepares its files. */
  private pendingSignal: NodeJS.Signals | undefined;
  private phase: 'running' | 'committing' | 'done' = 'running';
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.phase === 'committing') {
      // The commit polls this between steps and undoes what it prepared.
      this.pendingSignal = signal;
      return;
    }
    const wrote = this.phase === 'done';
    this.releaseLock(wrote);
    process.stderr.write(
      `django-docker: interrupted by ${signal}: ${wrote ? 'every file had already been written' : 'nothing was written'}\n`,
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  private readonly onExit = (): void => this.releaseLock(false);

  private takeLock(): void {
    this.lock = ProjectLock.acquire(this.destinationRoot());
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    runState.generatorHandlesSignals = true;
    process.on('exit', this.onExit);
  }

  private releaseLock(wroteFiles: boolean): void {
    // After a complete commit the handlers stay until end(), to say so if a signal comes.
    if (!wroteFiles) this.dropSignalHandlers();
    process.removeListener('exit', this.onExit);
    this.lock?.release(wroteFiles);
    this.lock = undefined;
  }

  private dropSignalHandlers(): void {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    runState.generatorHandlesSignals = false;
  }

  /** Runs one step; any error releases the lock first, so a failed run leaves nothing behind. */
  private async guarded<T>(step: () => Promise<T> | T): Promise<T> {
    try {
      return await step();
    } catch (err) {
      this.releaseLock(false);
      throw err;
    }
  }

  private dryRun(): boolean {
    return Boolean(this.options.dryRun ?? conflicterOptions(this.env).dryRun);
  }

  async initializing(): Promise<void> {
    const root = this.destinationRoot();
    try {
      accessSync(root, constants.W_OK);
    } catch {
      throw new UsageError(`cannot write to ${root}: run where you may write, or fix the folder's permissions`);
    }
    // Not for a dry run: it writes nothing, so it need not keep others out.
    if (!this.dryRun()) this.takeLock();
    await this.guarded(() => this.readProject());
  }

  private async readProject(): Promise<void> {
    const root = this.destinationRoot();
    // Flags are checked before anything is read, asked or written.
    for (const q of QUESTIONS) {
      const value = this.flag(q.key, q.flag);
      if (value === true && q.switch) {
        this.raw[q.key] = validateAnswer(q.key, 'true');
        this.flagged.add(q.key);
        continue;
      }
      if (value === '' || value === true) throw new UsageError(`--${q.flag} needs a value (see --help)`);
      if (value !== undefined && value !== null) {
        this.raw[q.key] = validateAnswer(q.key, value);
        this.flagged.add(q.key);
      }
    }
    const saved = this.config.getAll() as RawAnswers;
    if (Object.keys(saved).length > 0) this.previous = saved as Partial<Answers>;
    for (const q of QUESTIONS) {
      if (this.raw[q.key] === undefined && saved[q.key] !== undefined && !this.switchOn('ask'))
        this.raw[q.key] = validateAnswer(q.key, saved[q.key]);
    }
    this.detected = await this._detectProject(root);
    this.organisation = this.loadOrganisation();
  }

  /** Two projects side by side are the user's choice: asked in a terminal, else the refusal names --project. */
  private async _detectProject(root: string): Promise<Detected> {
    const project = this.raw.project as string | undefined;
    const settingsModule = this.raw.settingsModule as string | undefined;
    const given = settingsModule !== undefined ? { settingsModule } : {};
    try {
      return await detect(root, project !== undefined ? { project, ...given } : given);
    } catch (err) {
      if (!(err instanceof AmbiguousProjectError) || this.switchOn('yes') || this.options.interactive === false) throw err;
      const answer = (await this.prompt([
        {
          type: 'select',
          name: 'project',
          message: 'Which Django project goes into the container',
          choices: err.candidates.map((c) => ({ name: `${c}/manage.py`, value: c })),
        },
      ])) as { project: string };
      this.raw.project = validateAnswer('project', answer.project);
      return detect(root, { project: this.raw.project as string, ...given });
    }
  }

  async prompting(): Promise<void> {
    await this.guarded(() => this.ask());
  }

  /** What the settings and the requirements say about the engine, when they leave a choice. */
  private databaseNote(): string | undefined {
    return this.detected.kind === 'existing' ? this.detected.database?.note : undefined;
  }

  private async ask(): Promise<void> {
    if (this.switchOn('yes')) return;
    const defaults = defaultAnswers(this.detected, this.raw);
    const isNew = this.detected.kind === 'new';
    const questions = QUESTIONS.filter((q) => this.raw[q.key] === undefined && !q.flagOnly && (isNew || !q.newProjectOnly));
    if (questions.length === 0) return;
    const answers = await this.prompt(
      questions.map((q) => ({
        type: q.choices ? ('select' as const) : ('input' as const),
        name: q.key,
        message: q.key === 'database' && this.databaseNote() ? `${q.message} (${this.databaseNote()})` : q.message,
        default: String(defaults[q.key]),
        ...(q.choices ? { choices: q.choices.map((c) => ({ name: c, value: c })) } : {}),
        validate: (input: unknown) => {
          try {
            validateAnswer(q.key, input);
            return true;
          } catch (err) {
            return (err as Error).message;
          }
        },
      })),
    );
    for (const q of questions) {
      const value: unknown = answers[q.key];
      if (value !== undefined && value !== '') this.raw[q.key] = validateAnswer(q.key, value);
    }
  }

  async configuring(): Promise<void> {
    await this.guarded(async () => {
      const note = dropForeignDbVersion(this.raw, this.previous as RawAnswers | undefined, this.flagged);
      if (note) this.answerNotes.push(note);
      this.answers = finaliseAnswers(this.detected, this.raw);
      const switched = databaseSwitchNote(this.previous, this.answers);
      if (switched) this.answerNotes.push(switched);
      // The engine was a guess, or is not what the settings use with nothing set, and nobody answered: say so.
      const found = this.databaseNote();
      if (found && this.raw.database === undefined) this.answerNotes.push(found);
      this.plan = await withOverrideReads(buildPlan(this.detected, this.answers, this.organisation), this.destinationRoot());
      checkPlan(this.plan);
      checkDependencies(this.detected, this.plan.requirements.additions, this.plan.project.sourceDir);
      for (const w of answerWarnings(this.detected, this.answers, new Date().toISOString().slice(0, 10))) this.log.info(`warning: ${w}`);
      // Why the Python is not the usual default, when nobody chose it.
      const python = this.raw.python === undefined ? pythonDefault(this.detected, this.raw).why : undefined;
      this.answerNotes.push(...(python ? [python] : []), ...this.plan.notes);
    });
  }

  async writing(): Promise<void> {
    await this.guarded(() => this.stage());
  }

  /** A file the run may replace, as it is on disk: never through a link, only a regular UTF-8 file. */
  private readOutput(path: string): string | undefined {
    const info = locateInside(this.destinationRoot(), path, path);
    if (info.kind === 'absent') return undefined;
    if (info.kind === 'dir')
      throw new UsageError(`${path} is a folder, but the generator writes a file there: move it away, then run again`);
    const bytes = readBytesIfExists(info.real, path, { noFollow: true });
    return bytes === undefined ? undefined : decodeUtf8(bytes, path);
  }

  private async stage(): Promise<void> {
    const root = this.destinationRoot();
    const cache = new Map<string, string | undefined>();
    const existing = (path: string): string | undefined => {
      if (!cache.has(path)) cache.set(path, this.readOutput(path));
      return cache.get(path);
    };
    // .env first: a refusal here must come before anything is written.
    const env = existing('.env');
    // The package index URL with credentials goes to .env as given (or with placeholders when only the saved, redacted one is known).
    const value = (length: number, name: string): string =>
      name === 'PIP_INDEX_URL' && this.organisation.pipIndexUrl ? this.organisation.pipIndexUrl : secret(length);
    const envText = env === undefined ? renderDotEnv(this.plan, value) : appendMissingEnv(this.plan, env, value);
    // A .env that git tracks would carry fresh secrets into the next commit (.gitignore does not untrack it).
    const tracked = gitMode(readGitIndex(root), root, '.env') !== undefined;
    if (tracked && envText !== env) {
      throw new UsageError(
        '.env is tracked by git, so the secrets this run writes there would be committed: untrack it first (git rm --cached .env; .gitignore keeps it out from then on), then run again',
      );
    }
    if (tracked)
      this.answerNotes.push(
        '.env is tracked by git: its secrets are in the repository; untrack it with git rm --cached .env and change them',
      );
    const force = Boolean(this.options.force ?? conflicterOptions(this.env).force);
    this.files = reconcile(await renderFiles(this.plan, existing, root, { force }), existing, force);
    // Without a terminal the conflict prompt cannot be answered: refuse before writing anything,
    // rather than stopping half-way through.
    if (this.options.interactive === false && !force && !this.dryRun()) {
      const conflicts = this.files.filter((f) => f.status === 'conflict').map((f) => f.path);
      const replaced = this.files.filter((f) => f.status === 'replace').map((f) => f.path);
      const packages = this.files.flatMap((f) => f.conflicts ?? []);
      if (packages.length > 0) {
        throw new UsageError(`${packages.join('; ')}: run in a terminal to see it marked, or pass --force to take the generator's version`);
      }
      if (conflicts.length > 0) {
        throw new UsageError(
          `your edits and the generator's changes overlap in ${conflicts.join(', ')}: run in a terminal to see them marked, or pass --force to take the generator's version`,
        );
      }
      if (replaced.length > 0) {
        throw new UsageError(
          `would overwrite ${replaced.join(', ')}, which differ from what the generator writes: compare with --dry-run, then pass --force to overwrite (or move them away)`,
        );
      }
    }
    const planned: StagedWrite[] = [];
    const write = (path: string, contents: string, mode: number | undefined, confirmed: boolean): void => {
      const target = this.destinationPath(path);
      planned.push({ rel: path, contents: Buffer.from(contents), ...(mode ? { mode } : {}) });
      // S_IFREG included: mem-fs-editor compares the whole mode with the file on disk.
      this.fs.write(target, contents, mode ? { stat: { mode: constants.S_IFREG | mode } as Stats } : undefined);
      // Under --dry-run Yeoman must see the change to print its diff, so nothing is pre-confirmed.
      if (confirmed && !this.dryRun() && existing(path) !== contents) {
        // Nothing of the user's is lost (their file was ours, or the merge kept their lines): no prompt.
        (this.fs.store.get(target) as { conflicter?: string }).conflicter = 'force';
      }
    };
    for (const file of this.files) {
      if (file.status !== 'unchanged') write(file.path, file.contents, file.mode, file.status === 'update' || file.status === 'merged');
      // The merge base for the next run: the generator's own version, for the files merged three ways.
      if (file.mergeBase) write(basePath(file.path), file.generated, undefined, true);
    }
    // Bases an earlier version kept for files merged another way (requirements, the state itself,
    // a new project's own files) go; a base of a file this run leaves out (the entrypoint without a
    // database) stays for when it comes back.
    const keep = new Set([...this.files.filter((f) => f.mergeBase).map((f) => f.path), 'docker-entrypoint.sh']);
    for (const path of storedBases(root)) {
      if (keep.has(path)) continue;
      const target = this.destinationPath(basePath(path));
      this.fs.delete(target);
      if (!this.dryRun()) (this.fs.store.get(target) as { conflicter?: string }).conflicter = 'force';
    }
    if (envText !== env) {
      // Fresh secrets: readable by the owner only.
      write('.env', envText, env === undefined ? 0o600 : undefined, true);
      this.envNote =
        env === undefined
          ? 'fresh secrets for the first run (kept out of git and the image)'
          : 'added the variables this setup now reads; your values are kept';
    }
    const kube = this.plan.kubernetes;
    if (kube) {
      // The cluster's Secret values, from the same .env: never committed, never in a manifest.
      const path = `${kube.folder}/${kube.secret.file}`;
      const before = existing(path);
      const text = renderKubernetesEnv(kube, this.plan, envText, before, secret);
      if (text !== before) {
        write(path, text, before === undefined ? 0o600 : undefined, true);
        this.kubeEnvNote =
          before === undefined ? "the Secret's values, from .env (kept out of git)" : 'added the keys the manifests now read';
      }
    }
    // Every target checked before a prompt is shown or a byte is written.
    checkTargets(root, planned, false);
    const save: Partial<Answers> = { ...this.answers };
    if (this.detected.kind === 'existing') {
      delete save.django;
      delete save.projectName;
    }
    // Only what changed: setting equal values would still rewrite .yo-rc.json (a new mtime).
    const stored = this.config;
    for (const key of Object.keys(save) as AnswerKey[]) {
      const value = save[key];
      if (value !== undefined && JSON.stringify(stored.get(key)) !== JSON.stringify(value)) stored.set(key, value);
    }
    if (
      Object.keys(this.organisationFlags).length > 0 &&
      JSON.stringify(stored.get('organisation')) !== JSON.stringify(this.organisationFlags)
    ) {
      stored.set('organisation', this.organisationFlags);
    }
  }

  /**
   * Replaces Yeoman's file-by-file commit: the conflicter decides per file (prompting in a
   * terminal), then every file it lets through is written at once, or none is.
   */
  private async commitRun(): Promise<void> {
    const env = this.env;
    const root = this.destinationRoot();
    const pending = (): MemFile[] => env.sharedFs.all().filter((f) => isPending(f));
    if (this.dryRun()) {
      // Nothing is written: the pending files are shown as diffs and dropped.
      this.printDryRun(pending());
      for (const f of pending()) {
        f.stateCleared = f.state;
        delete f.state;
      }
      return;
    }
    const staged: MemFile[] = [];
    const collect = new Transform({
      objectMode: true,
      transform(file: MemFile, _encoding, callback) {
        if (isPending(file)) {
          staged.push(file);
          file.committed = true;
          file.stateCleared = file.state;
          delete file.state;
        }
        callback(null, file);
      },
    });
    try {
      await env.sharedFs.pipeline(
        { filter: (file) => isPending(file) || file.path.endsWith('.yo-resolve') },
        createYoResolveTransform(),
        forceYoFiles(),
        createConflicterTransform(quietAdapter(env.adapter), conflicterOptions(env)),
        collect,
      );
      const writes = staged.map((file): StagedWrite => {
        const rel = relative(root, file.path);
        if (rel.startsWith(`..${sep}`) || rel === '..') throw new UsageError(`refusing to write ${file.path}, outside the project`);
        if (file.contents === null && !rel.split(sep).join('/').startsWith(`${STATE_DIR}/`)) {
          throw new UsageError(`refusing to remove ${rel}: the generator removes only its own state files`);
        }
        return { rel: rel.split(sep).join('/'), contents: file.contents, ...(file.stat?.mode ? { mode: file.stat.mode & 0o7777 } : {}) };
      });
      this.phase = 'committing';
      await commitStaged(root, writes, () => this.pendingSignal);
      this.phase = 'done';
      runState.wrote = writes.length > 0;
      this.releaseLock(writes.length > 0);
      // A signal that came after the commit's last look is not lost: the files are all written, say so.
      if (this.pendingSignal) this.onSignal(this.pendingSignal);
    } catch (err) {
      const wasCommitting = this.phase === 'committing';
      this.phase = 'running';
      this.releaseLock(false);
      if (err instanceof Interrupted && wasCommitting) {
        process.stderr.write(`django-docker: ${err.message}\n`);
        process.exit(err.signal === 'SIGINT' ? 130 : 143);
      }
      throw err;
    }
  }

  /** --dry-run: a plain unified diff per file that exists and would change; the summary lists every file. */
  private printDryRun(pending: MemFile[]): void {
    const root = this.destinationRoot();
    const diffs: string[] = [];
    for (const file of pending) {
      const rel = relative(root, file.path).split(sep).join('/');
      if (rel.startsWith(`${STATE_DIR}/`) || file.contents === null) continue;
      const before = this.readOutput(rel);
      if (before === undefined) continue;
      const patch = createTwoFilesPatch(rel, rel, before, file.contents.toString('utf8'), 'now', 'after the run', { context: 2 });
      // Without the `Index:` and `====` lines: --- and +++ name the two sides.
      diffs.push(patch.split('\n').slice(2).join('\n').trimEnd());
    }
    // The diff quotes the project's files: their control characters are shown, not sent to the terminal.
    if (diffs.length > 0)
      this.log.info(
        ['Dry run: each changed file as a diff (- as it is now, + as the run would write it):', ...diffs.flatMap((d) => d.split('\n'))]
          .map(visible)
          .join('\n'),
      );
  }

  end(): void {
    this.dropSignalHandlers();
    const dryRun = this.dryRun();
    const changedAnswers = this.previous
      ? (Object.keys(this.answers) as AnswerKey[])
          .filter((k) => this.previous![k] !== undefined && String(this.previous![k]) !== String(this.answers[k]))
          .map((k) => `${k} ${String(this.previous![k]) || '(none)'} → ${String(this.answers[k]) || '(none)'}`)
      : [];
    const verbs: Record<Status, string> = dryRun
      ? {
          create: 'would write',
          update: 'would write',
          merged: 'would write',
          conflict: 'would write',
          replace: 'would write',
          unchanged: 'same',
        }
      : {
          create: 'wrote  ',
          update: 'updated',
          merged: 'merged ',
          conflict: 'CONFLICT',
          replace: 'replaced',
          unchanged: 'same   ',
        };
    const lines = this.files
      .filter((f) => f.status !== 'unchanged' && !f.path.startsWith(`${STATE_DIR}/`))
      .map(
        (f) =>
          `  ${verbs[f.status]} ${f.path.padEnd(28)} ${f.status === 'create' ? '' : `+${f.added} -${f.removed}  `}${f.status === 'conflict' ? (dryRun ? 'with <<<<<<< markers where your edits and ours overlap' : 'your edits and ours overlap: resolve the <<<<<<< markers') : f.why}`,
      );
    if (this.envNote) lines.push(`  ${dryRun ? 'would write' : 'updated'} ${'.env'.padEnd(28)} ${this.envNote}`);
    if (this.kubeEnvNote) lines.push(`  ${dryRun ? 'would write' : 'updated'} ${'k8s/.env'.padEnd(28)} ${this.kubeEnvNote}`);
    const head = `Django container setup for ${this.plan.project.name}: Python ${this.plan.image.python}, ${this.plan.database.label}, ${this.plan.server.kind} on port ${this.plan.port}, user ${this.plan.user.name} (${this.plan.user.uid})`;
    this.log.info(
      [
        head,
        ...(changedAnswers.length ? [`Changed: ${changedAnswers.join(', ')}`] : []),
        ...this.answerNotes.map((n) => `Note: ${n}`),
        ...(lines.length ? lines : ['  nothing to change: every file already matches']),
        ...(dryRun ? ['Dry run: nothing was written.'] : []),
        `Next: docker compose up --build   then open http://localhost:${this.plan.port}/`,
      ]
        .map(visible)
        .join('\n'),
    );
  }
}

/** The adapter for the conflicter without its per-file status lines: the summary lists what was written. */
function quietAdapter<A extends { log: object }>(adapter: A): A {
  const silent = new Set(['create', 'force', 'identical', 'skip']);
  const log = new Proxy(adapter.log, {
    get(target, key, receiver) {
      if (typeof key === 'string' && silent.has(key)) return () => log;
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return new Proxy(adapter, {
    get(target, key, receiver) {
      if (key === 'log') return log;
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
