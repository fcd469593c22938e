#!/usr/bin/env node
/**
 * The `django-docker` command: runs the generators without a global `yo`.
 *   django-docker [folder] [flags]       write the container setup (the app generator)
 * Unknown flags are refused; without a terminal nothing is asked: pass --yes or the flags.
 */
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueuedAdapter, TerminalAdapter } from '@yeoman/adapter';
import { readAnswersFile } from './generate/answers.ts';
import { oneLine, visible } from './common/errors.ts';
import { runState } from './common/run-state.ts';
import { failureLine, FlagError, readFlags, VERSION } from './common/command.ts';
import { ANSWER_FLAGS, ORG_FLAGS, RUN_FLAGS } from './generate/flags.ts';
import { packageRoot } from './common/paths.ts';

/**
 * The Yeoman adapter for this terminal. Without one it refuses to prompt: CI and pipes get a
 * clear error, not a hang or a silent exit 0. Yeoman is imported here, not at start-up, so
 * `doctor` and `docs` do not pay for it.
 */
async function makeAdapter(): Promise<{ adapter: TerminalAdapter; queued: QueuedAdapter }> {
  const { QueuedAdapter, TerminalAdapter } = await import('@yeoman/adapter');
  class NonInteractiveAdapter extends TerminalAdapter {
    override async prompt<A>(questions: unknown): Promise<A> {
      const list = (Array.isArray(questions) ? questions : [questions]) as Array<{ message?: unknown; name?: string }>;
      const what = list.map((q) => (typeof q.message === 'string' ? q.message : q.name)).join('; ');
      const conflict = /overwrite/i.test(what);
      const err = new Error(
        conflict
          ? `would overwrite a changed file (${what.replace(/^.*Overwrite\s*/i, '').replace(/\?.*$/, '')}) but there is no terminal to ask: compare with --dry-run, then pass --force to overwrite`
          : `no terminal to ask "${what}": pass --yes to take detected values and defaults, or give the answer as a flag (see --help)`,
      );
      err.name = 'UsageError';
      throw err;
    }
  }
  const adapter: TerminalAdapter = process.stdin.isTTY ? new TerminalAdapter() : new NonInteractiveAdapter();
  // Yeoman logs "An error occured while running …#task" before the error itself; we print one line instead.
  const logError = adapter.log.error.bind(adapter.log);
  adapter.log.error = ((...args: Parameters<typeof logError>) =>
    String(args[0]).startsWith('An error occured while running') ? adapter.log : logError(...args)) as typeof adapter.log.error;
  // After the log is set up: the queued adapter takes the log as it is now.
  return { adapter, queued: new QueuedAdapter({ adapter }) };
}

function help(): string {
  const rows: Array<[string, string]> = [
    ...ANSWER_FLAGS.map((f): [string, string] => [
      f.switch ? `--${f.name}, --no-${f.name}` : `--${f.name} <${f.choices ? f.choices.join('|') : 'value'}>`,
      f.description,
    ]),
    ...ORG_FLAGS.map((f): [string, string] => [`--${f.name} <${f.repeatable ? 'key=value' : 'value'}>`, f.description]),
    ...RUN_FLAGS.map((f): [string, string] => [`${f.short ? `-${f.short}, ` : ''}--${f.name}`, f.description]),
  ];
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return [
    `django-docker ${VERSION}: a Django container setup that builds, starts and serves on the first docker compose up`,
    '',
    'Usage:',
    '  django-docker [folder] [flags]   write Dockerfile, compose.yaml, settings and requirements (folder: current)',
    '  django-docker doctor [folder] [--format text|json|sarif] [--build]   check container files someone else wrote',
    '  django-docker docs [--answers file.json] [--out dir]   render reference pages for answer sets',
    '  django-docker kubernetes [folder] [flags]   the same, plus k8s/ manifests (saves --kubernetes)',
    '',
    'Flags:',
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`),
    '',
    'An empty folder gets a new Django 5.2 project. Answers are saved in .yo-rc.json; a re-run asks only what is new.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'doctor') return (await import('./doctor/cli.ts')).runDoctorCli(argv.slice(1));
  if (argv[0] === 'docs') return (await import('./docs-cli.ts')).runDocsCli(argv.slice(1));
  // `django-docker kubernetes [folder]`: the same run with --kubernetes, saved like any answer.
  if (argv[0] === 'kubernetes') argv = [...argv.slice(1), '--kubernetes'];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    ...Object.fromEntries(ANSWER_FLAGS.filter((f) => !f.switch).map((f) => [f.name, { type: 'string' as const }])),
    // Switches: --kubernetes turns one on, --no-kubernetes off.
    ...Object.fromEntries(
      ANSWER_FLAGS.filter((f) => f.switch).flatMap((f) => [f.name, `no-${f.name}`].map((n) => [n, { type: 'boolean' as const }])),
    ),
    ...Object.fromEntries(ORG_FLAGS.map((f) => [f.name, { type: 'string' as const, multiple: f.repeatable }])),
    ...Object.fromEntries(RUN_FLAGS.map((f) => [f.name, { type: f.type, ...(f.short ? { short: f.short } : {}) }])),
  };
  let flags;
  try {
    flags = readFlags(argv, options);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    console.error(`django-docker: ${err.message}`);
    return 2;
  }
  const { values, positionals } = flags;
  if (values.help) {
    console.log(help());
    return 0;
  }
  if (values.version) {
    console.log(VERSION);
    return 0;
  }
  if (positionals.length > 1) {
    console.error(`django-docker: one folder at most, got ${positionals.join(' ')}; see --help`);
    return 2;
  }
  const folder = resolve(positionals[0] ?? '.');
  // A folder we create for a new project is removed again if the run fails: bad input writes nothing.
  let created: string | undefined;
  const removeCreated = (): void => {
    if (!created) return;
    try {
      // Only folders this run made, and only while empty.
      for (let dir = folder; dir.startsWith(created) && readdirSync(dir).length === 0; dir = dirname(dir)) {
        rmdirSync(dir);
        if (dir === created) break;
      }
    } catch {
      // Holds something now; leave it.
    }
  };
  let finished = false;
  // Until the generator takes the signals over (it holds the project's lock), a signal ends the run here.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (runState.generatorHandlesSignals) return;
    if (!runState.wrote && !finished) removeCreated();
    console.error(
      `django-docker: interrupted by ${signal}: ${runState.wrote ? 'every file had already been written' : 'nothing was written'}`,
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const st = statSync(folder, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) {
      console.error(`django-docker: ${positionals[0]} is not a folder: give the project folder (or a new one to create)`);
      return 1;
    }
    if (!st) created = mkdirSync(folder, { recursive: true });
  } catch (err) {
    console.error(`django-docker: cannot create ${folder}: ${oneLine(err)}`);
    return 1;
  }

  const generatorOptions: Record<string, unknown> = {};
  if (typeof values.answers === 'string') {
    try {
      const file = readAnswersFile(resolve(values.answers), values.answers);
      Object.assign(generatorOptions, file.answers);
      // Organisation settings in the file count as flags: checked against the project, saved with the answers.
      for (const [key, value] of Object.entries(file.organisation ?? {})) {
        if (key === 'labels') generatorOptions.labels = Object.entries(value as Record<string, string>).map(([k, v]) => `${k}=${v}`);
        else generatorOptions[key] = value;
      }
    } catch (err) {
      console.error(`django-docker: ${visible((err as Error).message)}`);
      removeCreated();
      return 1;
    }
  }
  for (const f of ANSWER_FLAGS) {
    if (f.switch && values[`no-${f.name}`]) generatorOptions[f.key] = 'false';
    else if (f.switch && values[f.name]) generatorOptions[f.key] = 'true';
    else if (!f.switch && values[f.name] !== undefined) generatorOptions[f.key] = values[f.name];
  }
  if (values['no-comments']) generatorOptions.comments = 'false';
  for (const f of ORG_FLAGS) if (values[f.name] !== undefined) generatorOptions[f.key] = values[f.name];
  try {
    const { queued } = await makeAdapter();
    const { createEnv } = await import('yeoman-environment');
    const env = createEnv({ cwd: folder, adapter: queued });
    env.register(fileURLToPath(new URL('./app/index.js', import.meta.url)), { namespace: 'django-docker:app', packagePath: packageRoot });
    const runOptions: Record<string, unknown> = {
      ...generatorOptions,
      yes: Boolean(values.yes),
      ask: Boolean(values.ask),
      force: Boolean(values.force),
      'trust-project-templates': Boolean(values['trust-project-templates']),
      dryRun: Boolean(values['dry-run']),
      interactive: Boolean(process.stdin.isTTY),
      skipInstall: true,
    };
    await env.run(['django-docker:app'], runOptions);
    finished = true;
  } catch (err) {
    console.error(failureLine('django-docker', err));
    removeCreated();
    return 1;
  }
  // The handlers stay until the process ends: a signal from here on ends it with one line, not a bare death.
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
