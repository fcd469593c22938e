#!/usr/bin/env node
/**
 * The `django-docker` command: runs the generators without a global `yo`.
 *   django-docker [folder] [flags]       write the container setup (the app generator)
 * Unknown flags are refused; without a terminal nothing is asked: pass --yes or the flags.
 */
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { QueuedAdapter, TerminalAdapter } from '@yeoman/adapter';
import { QUESTIONS, readAnswersFile } from './generate/answers.ts';
import { oneLine, visible } from './common/errors.ts';
import { runState } from './common/run-state.ts';
import { CONFIG_KEYS } from './generate/org-config.ts';
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

const version = (JSON.parse(readFileSync(resolve(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

const ENV_FLAGS = {
  'no-comments': { type: 'boolean', description: 'bare files, without the explanatory comments' },
  answers: { type: 'string', description: 'a JSON file of answers (keys as in .yo-rc.json; see schema/answers.schema.json)' },
  yes: { type: 'boolean', short: 'y', description: 'take detected values and defaults without asking' },
  ask: { type: 'boolean', description: 'ask again what .yo-rc.json already answers' },
  force: { type: 'boolean', description: 'overwrite changed files without asking' },
  'trust-project-templates': {
    type: 'boolean',
    description: 'render the templates folder that comes with the project (templates are code: EJS runs JavaScript); never saved',
  },
  'dry-run': { type: 'boolean', description: 'show what would change, write nothing' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
  version: { type: 'boolean', short: 'v', description: 'print the version' },
} as const;

function help(): string {
  const rows: Array<[string, string]> = [
    ...QUESTIONS.map((q): [string, string] => [
      q.switch ? `--${q.flag}, --no-${q.flag}` : `--${q.flag} <${q.choices ? q.choices.join('|') : 'value'}>`,
      q.description,
    ]),
    ...Object.values(CONFIG_KEYS).map((c): [string, string] => [
      `--${c.flag} <${c.type === 'labels' ? 'key=value' : 'value'}>`,
      c.description,
    ]),
    ...Object.entries(ENV_FLAGS).map(([name, o]): [string, string] => [`${'short' in o ? `-${o.short}, ` : ''}--${name}`, o.description]),
  ];
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return [
    `django-docker ${version}: a Django container setup that builds, starts and serves on the first docker compose up`,
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
  if (argv[0] === 'docs') return (await import('./docs-cli.ts')).runDocsCli(argv.slice(1), version);
  // `django-docker kubernetes [folder]`: the same run with --kubernetes, saved like any answer.
  if (argv[0] === 'kubernetes') argv = [...argv.slice(1), '--kubernetes'];
  const options = {
    ...Object.fromEntries(QUESTIONS.filter((q) => !q.switch).map((q) => [q.flag, { type: 'string' as const }])),
    // Switches: --kubernetes turns one on, --no-kubernetes off.
    ...Object.fromEntries(
      QUESTIONS.filter((q) => q.switch).flatMap((q) => [q.flag, `no-${q.flag}`].map((f) => [f, { type: 'boolean' as const }])),
    ),
    ...Object.fromEntries(Object.values(CONFIG_KEYS).map((c) => [c.flag, { type: 'string' as const, multiple: c.type === 'labels' }])),
    ...Object.fromEntries(Object.entries(ENV_FLAGS).map(([k, o]) => [k, { type: o.type, ...('short' in o ? { short: o.short } : {}) }])),
  };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`django-docker: ${(err as Error).message.split('\n')[0]}; see --help`);
    return 2;
  }
  const { values, positionals } = parsed as { values: Record<string, string | string[] | boolean | undefined>; positionals: string[] };
  if (values.help) {
    console.log(help());
    return 0;
  }
  if (values.version) {
    console.log(version);
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
    if (process.listenerCount(signal) > 1) return;
    if (finished) process.exit(signal === 'SIGINT' ? 130 : 143);
    if (!runState.wrote) removeCreated();
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
  for (const q of QUESTIONS) {
    if (q.switch && values[`no-${q.flag}`]) generatorOptions[q.key] = 'false';
    else if (q.switch && values[q.flag]) generatorOptions[q.key] = 'true';
    else if (!q.switch && values[q.flag] !== undefined) generatorOptions[q.key] = values[q.flag];
  }
  if (values['no-comments']) generatorOptions.comments = 'false';
  for (const [key, c] of Object.entries(CONFIG_KEYS)) if (values[c.flag] !== undefined) generatorOptions[key] = values[c.flag];
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
    const e = err as Error;
    if (e.name === 'UsageError') console.error(`django-docker: ${visible(e.message)}`);
    else console.error(`django-docker: unexpected error, please report it: ${visible(oneLine(e))}`);
    removeCreated();
    return 1;
  }
  // The handlers stay until the process ends: a signal from here on ends it with one line, not a bare death.
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
