/**
 * `yo django-docker` / `npx django-docker`: detect → answers → plan → render, then write.
 * Decisions live in ../model; this class only asks, writes and reports.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import {
  type Answers,
  type AnswerKey,
  defaultAnswers,
  dropForeignDbVersion,
  finaliseAnswers,
  answerWarnings,
  QUESTIONS,
  type RawAnswers,
  validateAnswer,
} from '../generate/answers.ts';
import { type Detected, detect } from '../project/detect.ts';
import { UsageError } from '../common/errors.ts';
import { buildPlan, checkPlan, type Plan } from '../generate/plan.ts';
import { appendMissingEnv, renderDotEnv, renderFiles } from '../generate/render.ts';
import { reconcile, type Reconciled, type Status } from '../generate/reconcile.ts';
import { basePath, STATE_DIR, storedBases } from '../project/state.ts';
import { CONFIG_KEYS, loadOrgConfig, type OrgConfig, parseLabelFlags } from '../generate/org-config.ts';

export type AppOptions = BaseOptions & {
  yes?: boolean;
  ask?: boolean;
};

/** URL-safe secret without `$`, quotes, `#` or `@` (compose-dollar-interpolation). */
function secret(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

export default class AppGenerator extends Generator<AppOptions> {
  detected!: Detected;
  raw: RawAnswers = {};
  answers!: Answers;
  plan!: Plan;
  files: Reconciled[] = [];
  envNote = '';
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
    super(args ?? [], options ?? ({} as AppOptions), { customInstallTask: true });
    this.option('yes', { type: Boolean, alias: 'y', description: 'take detected values and defaults without asking', default: false });
    this.option('ask', { type: Boolean, description: 'ask again the questions already answered in .yo-rc.json', default: false });
    for (const q of QUESTIONS) {
      this.option(q.flag, { type: String, description: q.description + (q.choices ? ` (${q.choices.join('|')})` : ''), hide: false });
    }
    for (const c of Object.values(CONFIG_KEYS)) {
      this.option(c.flag, { type: c.type === 'labels' ? Array : String, description: c.description, hide: false });
    }
  }

  /** .yo-rc.json as plain keys (the typed accessor only knows the options). */
  private storedConfig(): { get(key: string): unknown; set(key: string, value: unknown): void } {
    return this.config as unknown as { get(key: string): unknown; set(key: string, value: unknown): void };
  }

  /** Organisation settings: home and project config files, then what this and earlier runs gave as flags. */
  private loadOrganisation(): OrgConfig {
    const o = this.options as unknown as Record<string, unknown>;
    const flags: OrgConfig = { ...((this.storedConfig().get('organisation') as OrgConfig | undefined) ?? {}) };
    for (const [key, c] of Object.entries(CONFIG_KEYS) as Array<[keyof OrgConfig, (typeof CONFIG_KEYS)[keyof OrgConfig]]>) {
      const value = o[c.flag] ?? o[key];
      if (value === undefined || value === null || value === '') continue;
      if (c.type === 'labels') flags.labels = { ...flags.labels, ...parseLabelFlags(([] as unknown[]).concat(value).map(String)) };
      else (flags as Record<string, unknown>)[key] = String(value);
    }
    this.organisationFlags = flags;
    return loadOrgConfig(this.destinationRoot(), flags);
  }

  /** A flag's value, under its dashed or camelCase name. */
  private flag(key: AnswerKey, flag: string): unknown {
    const o = this.options as unknown as Record<string, unknown>;
    return o[flag] ?? o[key];
  }

  private switchOn(name: 'yes' | 'ask'): boolean {
    return Boolean((this.options as unknown as Record<string, unknown>)[name]);
  }

  async initializing(): Promise<void> {
    const root = this.destinationRoot();
    try {
      accessSync(root, constants.W_OK);
    } catch {
      throw new UsageError(`cannot write to ${root}: run where you may write, or fix the folder's permissions`);
    }
    this.detected = await detect(root);
    this.organisation = this.loadOrganisation();
    // Flags are checked before anything is asked or written.
    for (const q of QUESTIONS) {
      const value = this.flag(q.key, q.flag);
      if (value !== undefined && value !== null && value !== '' && value !== true) {
        this.raw[q.key] = validateAnswer(q.key, value);
        this.flagged.add(q.key);
      } else if (value === true) throw new UsageError(`--${q.flag} needs a value`);
    }
    const saved = this.config.getAll() as RawAnswers;
    if (Object.keys(saved).length > 0) this.previous = saved as Partial<Answers>;
    for (const q of QUESTIONS) {
      if (this.raw[q.key] === undefined && saved[q.key] !== undefined && !this.switchOn('ask'))
        this.raw[q.key] = validateAnswer(q.key, saved[q.key]);
    }
  }

  async prompting(): Promise<void> {
    if (this.switchOn('yes')) return;
    const defaults = defaultAnswers(this.detected, this.raw);
    const isNew = this.detected.kind === 'new';
    const questions = QUESTIONS.filter((q) => this.raw[q.key] === undefined && !q.flagOnly && (isNew || !q.newProjectOnly));
    if (questions.length === 0) return;
    const answers = await this.prompt(
      questions.map((q) => ({
        type: q.choices ? ('select' as const) : ('input' as const),
        name: q.key,
        message: q.message,
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
      const value = (answers as unknown as Record<string, unknown>)[q.key];
      if (value !== undefined && value !== '') this.raw[q.key] = validateAnswer(q.key, value);
    }
  }

  configuring(): void {
    const note = dropForeignDbVersion(this.raw, this.previous as RawAnswers | undefined, this.flagged);
    if (note) this.answerNotes.push(note);
    this.answers = finaliseAnswers(this.detected, this.raw);
    this.plan = buildPlan(this.detected, this.answers, this.organisation);
    checkPlan(this.plan);
    for (const w of answerWarnings(this.detected, this.answers, new Date().toISOString().slice(0, 10))) this.log.info(`warning: ${w}`);
  }

  async writing(): Promise<void> {
    const root = this.destinationRoot();
    const existing = (path: string): string | undefined => {
      const abs = join(root, path);
      return existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
    };
    const o = this.options as unknown as Record<string, unknown>;
    const force = Boolean(o.force);
    this.files = reconcile(await renderFiles(this.plan, existing, root, { force }), existing, force);
    // Without a terminal the conflict prompt cannot be answered: refuse before writing anything,
    // rather than stopping half-way through.
    if (o.interactive === false && !o.force && !o.dryRun) {
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
    const write = (path: string, contents: string, mode: number | undefined, confirmed: boolean): void => {
      const target = this.destinationPath(path);
      // S_IFREG included: mem-fs-editor compares the whole mode with the file on disk.
      this.fs.write(target, contents, mode ? { stat: { mode: constants.S_IFREG | mode } as Stats } : undefined);
      // Under --dry-run Yeoman must see the change to print its diff, so nothing is pre-confirmed.
      if (confirmed && !o.dryRun && existing(path) !== contents) {
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
      if (!o.dryRun) (this.fs.store.get(target) as { conflicter?: string }).conflicter = 'force';
    }
    const env = existing('.env');
    const envText = env === undefined ? renderDotEnv(this.plan, secret) : appendMissingEnv(this.plan, env, secret);
    if (envText !== env) {
      write('.env', envText, undefined, true);
      this.envNote =
        env === undefined
          ? 'fresh secrets for the first run (kept out of git and the image)'
          : 'added the variables this setup now reads; your values are kept';
    }
    const save: Partial<Answers> = { ...this.answers };
    if (this.detected.kind === 'existing') {
      delete save.django;
      delete save.projectName;
    }
    // Only what changed: setting equal values would still rewrite .yo-rc.json (a new mtime).
    const stored = this.storedConfig();
    for (const [key, value] of Object.entries(save)) {
      if (JSON.stringify(stored.get(key)) !== JSON.stringify(value)) stored.set(key, value);
    }
    if (
      Object.keys(this.organisationFlags).length > 0 &&
      JSON.stringify(stored.get('organisation')) !== JSON.stringify(this.organisationFlags)
    ) {
      stored.set('organisation', this.organisationFlags);
    }
  }

  end(): void {
    const changedAnswers = this.previous
      ? (Object.keys(this.answers) as AnswerKey[])
          .filter((k) => this.previous![k] !== undefined && String(this.previous![k]) !== String(this.answers[k]))
          .map((k) => `${k} ${String(this.previous![k]) || '(none)'} → ${String(this.answers[k]) || '(none)'}`)
      : [];
    const verbs: Record<Status, string> = {
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
          `  ${verbs[f.status]} ${f.path.padEnd(28)} ${f.status === 'create' ? '' : `+${f.added} -${f.removed}  `}${f.status === 'conflict' ? 'your edits and ours overlap: resolve the <<<<<<< markers' : f.why}`,
      );
    if (this.envNote) lines.push(`  updated ${'.env'.padEnd(28)} ${this.envNote}`);
    const head = `Django container setup for ${this.plan.project.name}: Python ${this.plan.image.python}, ${this.plan.database.label}, ${this.plan.server.kind} on port ${this.plan.port}, user ${this.plan.user.name} (${this.plan.user.uid})`;
    this.log.info(
      [
        head,
        ...(changedAnswers.length ? [`Changed: ${changedAnswers.join(', ')}`] : []),
        ...this.answerNotes.map((n) => `Note: ${n}`),
        ...(lines.length ? lines : ['  nothing to change: every file already matches']),
        ...((this.options as unknown as Record<string, unknown>).dryRun
          ? ['Dry run: nothing was written; the diffs above show what would change.']
          : []),
        `Next: docker compose up --build   then open http://localhost:${this.plan.port}/`,
      ].join('\n'),
    );
  }
}
