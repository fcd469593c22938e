/**
 * `django-docker doctor [path] [--format text|json|sarif]`: exit 0 without error findings,
 * 1 with at least one, 2 when the check could not run (one line on stderr says why).
 */
import { resolve } from 'node:path';
import { visible } from '../common/errors.ts';
import { failureLine, FlagError, readFlags, VERSION } from '../common/command.ts';
import { EngineUnavailable } from './build.ts';
import { checkProject } from './doctor.ts';
import { exitCode, format, type Format, parseFormat } from './format.ts';
import { UnreadableFile } from '../project/files.ts';

const HELP = `django-docker doctor: find what breaks a Django project's container setup, with the line to fix

Usage:
  django-docker doctor [folder] [--format text|json|sarif] [--build]

  folder           the project folder (default: the current folder)
  --format <fmt>   text (default), json or sarif (SARIF 2.1.0 for code-scanning tools)
  --build          confirm on the Docker engine: build the image, start it with the compose
                   environment, import the settings, run check --deploy, wait for the healthcheck,
                   GET / on 127.0.0.1; everything it starts is removed again
  --build-timeout <minutes>  time bound of the image build (default 15)
  -h, --help       show this help

Suppress a finding with "# django-docker: ignore=<rule-id> <reason>" on its line or the line
above, "# django-docker: ignore-file=<rule-id> <reason>" at the top of a file, or an "ignore"
list in django-docker.config.json.

Exit status: 0 no errors (warnings allowed), 1 at least one error, 2 the check could not run.`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
}

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
};

export async function runDoctorCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = readFlags(argv, {
      format: { type: 'string', short: 'f' },
      help: { type: 'boolean', short: 'h' },
      build: { type: 'boolean' },
      'build-timeout': { type: 'string' },
    });
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    io.err(`django-docker doctor: ${err.message}\n`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(`${HELP}\n`);
    return 0;
  }
  let fmt: Format;
  try {
    fmt = parseFormat(parsed.values.format);
  } catch (err) {
    io.err(`${failureLine('django-docker doctor', err)}\n`);
    return 2;
  }
  if (parsed.positionals.length > 1) {
    io.err(`django-docker doctor: one folder at most, got ${parsed.positionals.join(' ')}\n`);
    return 2;
  }
  const folder = resolve(parsed.positionals[0] ?? '.');
  const minutes = parsed.values['build-timeout'] === undefined ? 15 : Number(parsed.values['build-timeout']);
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 180) {
    io.err(`django-docker doctor: --build-timeout ${parsed.values['build-timeout']} is not a number of minutes between 1 and 180\n`);
    return 2;
  }
  try {
    const result = await checkProject(
      folder,
      parsed.values.build
        ? { engine: { buildMs: minutes * 60_000, progress: (line) => io.err(`django-docker doctor --build: ${line}\n`) } }
        : {},
    );
    if (process.exitCode === 130) {
      io.err('django-docker doctor --build: interrupted; what it had started is removed\n');
      return 130;
    }
    io.out(format(result, fmt, { colour: io.isTTY && fmt === 'text' && !process.env.NO_COLOR, version: VERSION }));
    return exitCode(result);
  } catch (err) {
    if (err instanceof EngineUnavailable) io.err(`django-docker doctor --build: ${visible(err.message)}\n`);
    else io.err(`${failureLine('django-docker doctor', err, (e) => e instanceof UnreadableFile)}\n`);
    return 2;
  }
}
