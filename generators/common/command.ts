/**
 * What the three commands (`django-docker`, `django-docker doctor`, `django-docker docs`) share:
 * the package version, reading the flags, and the one line a failure gets.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { oneLine, visible } from './errors.ts';
import { packageRoot } from './paths.ts';

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(resolve(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** The package's version, read once. */
export const VERSION: string = readVersion();

/** A flag the command line cannot take: the caller prints `message` and exits 2. */
export class FlagError extends Error {}

/** The command's flags, strictly: an unknown flag or a missing value is a FlagError naming it. */
export function readFlags<const O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new FlagError(`${(err as Error).message.split('\n')[0]}; see --help`);
  }
}

/**
 * The one line a failure gets. An error the user can fix (a UsageError, or one the caller names)
 * says what to do; anything else is a bug of ours, said so, with where it was thrown.
 */
export function failureLine(command: string, err: unknown, usage: (err: unknown) => boolean = () => false): string {
  const e = err as Error;
  const fixable = e?.name === 'UsageError' || usage(err);
  return `${command}: ${visible(fixable ? e.message : `unexpected error, please report it: ${oneLine(e)}`)}`;
}
