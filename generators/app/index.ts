/**
 * `yo django-docker` / `npx django-docker`: detect → answers → plan → render, then write.
 * Decisions live in ../model; this class only asks, writes and reports.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import {
  type Answers, type AnswerKey, defaultAnswers, finaliseAnswers, answerWarnings, QUESTIONS, type RawAnswers, validateAnswer,
} from '../model/answers.ts';
import { type Detected, detect } from '../model/detect.ts';
import { UsageError } from '../model/errors.ts';
import { buildPlan, type Plan } from '../model/plan.ts';
import { type OutputFile, renderDotEnv, renderFiles } from '../model/render.ts';

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
  files: OutputFile[] = [];
  wroteEnv = false;

  constructor(args?: string[], options?: AppOptions) {
    // customInstallTask: nothing to npm-install here, and no "package.json" chatter.
    super(args ?? [], options ?? ({} as AppOptions), { customInstallTask: true });
    this.option('yes', { type: Boolean, alias: 'y', description: 'take detected values and defaults without asking', default: false });
    this.option('ask', { type: Boolean, description: 'ask again the questions already answered in .yo-rc.json', default: false });
    for (const q of QUESTIONS) {
      this.option(q.flag, { type: String, description: q.description + (q.choices ? ` (${q.choices.join('|')})` : ''), hide: false });
    }
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
    // Flags are checked before anything is asked or written.
    for (const q of QUESTIONS) {
      const value = this.flag(q.key, q.flag);
      if (value !== undefined && value !== null && value !== '' && value !== true) this.raw[q.key] = validateAnswer(q.key, value);
      else if (value === true) throw new UsageError(`--${q.flag} needs a value`);
    }
    const saved = this.config.getAll() as RawAnswers;
    for (const q of QUESTIONS) {
      if (this.raw[q.key] === undefined && saved[q.key] !== undefined && !this.switchOn('ask')) this.raw[q.key] = validateAnswer(q.key, saved[q.key]);
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
    this.answers = finaliseAnswers(this.detected, this.raw);
    this.plan = buildPlan(this.detected, this.answers);
    for (const w of answerWarnings(this.detected, this.answers, new Date().toISOString().slice(0, 10))) this.log.info(`warning: ${w}`);
  }

  async writing(): Promise<void> {
    const root = this.destinationRoot();
    const existing = (path: string): string | undefined => {
      const abs = join(root, path);
      return existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
    };
    this.files = await renderFiles(this.plan, existing);
    // Without a terminal the conflict prompt cannot be answered: refuse before writing anything,
    // rather than stopping half-way through.
    const o = this.options as unknown as Record<string, unknown>;
    if (o.interactive === false && !o.force) {
      const changed = this.files.filter((f) => f.action === 'template' && existing(f.path) !== undefined && existing(f.path) !== f.contents);
      if (changed.length > 0) {
        throw new UsageError(
          `would overwrite ${changed.map((f) => f.path).join(', ')}, which differ from what the generator writes: compare with --dry-run, then pass --force to overwrite (or move them away)`,
        );
      }
    }
    for (const file of this.files) {
      const target = this.destinationPath(file.path);
      // The mode travels with the file, so scripts are written executable.
      // S_IFREG included: mem-fs-editor compares the whole mode with the file on disk.
      this.fs.write(target, file.contents, file.mode ? { stat: { mode: constants.S_IFREG | file.mode } as Stats } : undefined);
      if (file.action === 'merged' && existing(file.path) !== file.contents) {
        // A merge keeps every line the user wrote and only adds ours: no overwrite to confirm.
        const stored = this.fs.store.get(target) as { conflicter?: string };
        stored.conflicter = 'force';
      }
    }
    if (!existsSync(join(root, '.env'))) {
      this.fs.write(this.destinationPath('.env'), renderDotEnv(this.plan, secret));
      this.wroteEnv = true;
    }
    const save: Partial<Answers> = { ...this.answers };
    if (this.detected.kind === 'existing') {
      delete save.django;
      delete save.projectName;
    }
    this.config.set(save as Record<string, unknown>);
  }

  end(): void {
    const lines = this.files.map((f) => `  ${f.action === 'merged' ? 'updated' : 'wrote  '} ${f.path.padEnd(28)} ${f.why}`);
    if (this.wroteEnv) lines.push(`  wrote   ${'.env'.padEnd(28)} fresh secrets for the first run (kept out of git and the image)`);
    this.log.info(
      [
        `Django container setup for ${this.plan.project.name}: Python ${this.plan.image.python}, ${this.plan.database.label}, ${this.plan.server.kind} on port ${this.plan.port}, user ${this.plan.user.name} (${this.plan.user.uid})`,
        ...lines,
        'Next: docker compose up --build   then open http://localhost:' + this.plan.port + '/',
      ].join('\n'),
    );
  }
}
