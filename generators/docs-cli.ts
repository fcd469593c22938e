/**
 * `django-docker docs [--answers file.json] [--out dir]`: render reference pages for answer
 * sets without a project (see generate/docs.ts). Default: the default answers into docs/reference.
 * Every page is rendered before any is written, then all are written at once or none is.
 */
import { lstatSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { type AnswerSet, answerSetsFrom, renderReferencePage } from './generate/docs.ts';
import { UsageError } from './common/errors.ts';
import { failureLine, FlagError, readFlags, VERSION } from './common/command.ts';
import { readText } from './common/read-file.ts';
import { commitStaged } from './common/staged-write.ts';

/**
 * The output folder's nearest existing folder (the pages and any missing folders are written
 * below it), refusing a file where a folder is needed.
 */
function existingBase(out: string, shown: string): string {
  for (let dir = out; ; dir = dirname(dir)) {
    let st;
    try {
      st = lstatSync(dir, { throwIfNoEntry: false });
    } catch {
      // ENOTDIR: a file further up; found on the way up.
      st = undefined;
    }
    if (st) {
      if (st.isDirectory() || st.isSymbolicLink()) return dir;
      throw new UsageError(
        dir === out
          ? `--out ${shown} is a file, not a folder: give a folder for the pages`
          : `--out ${shown}: ${dir} is a file, not a folder`,
      );
    }
    if (dirname(dir) === dir) return dir;
  }
}

export async function runDocsCli(argv: string[]): Promise<number> {
  let values: { answers?: string; out?: string; help?: boolean };
  try {
    ({ values } = readFlags(argv, { answers: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, false));
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    console.error(`django-docker docs: ${err.message}`);
    return 2;
  }
  if (values.help) {
    console.log(
      [
        'django-docker docs [--answers file.json] [--out dir]',
        '',
        '  Renders a Markdown page per answer set: each generated file, then what its parts do.',
        '  --answers  a JSON object of answers, or a list of them each with a "name" (default: the defaults)',
        '  --out      folder for the pages (default: docs/reference)',
      ].join('\n'),
    );
    return 0;
  }
  try {
    let sets: AnswerSet[] = [{ name: 'default', answers: {} }];
    if (values.answers !== undefined) {
      if (values.answers === '') throw new UsageError('--answers needs a file');
      const text = readText(resolve(values.answers), values.answers, { maxBytes: 1024 * 1024 });
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (err) {
        throw new UsageError(`${values.answers} is not valid JSON (${(err as Error).message.split('\n')[0]}): fix it`);
      }
      sets = answerSetsFrom(raw, values.answers);
    }
    if (values.out === '') throw new UsageError('--out needs a folder');
    const shownOut = values.out ?? 'docs/reference';
    const out = resolve(shownOut);
    const base = existingBase(out, shownOut);
    const below = relative(base, out);
    // Render every page before writing any, so a bad set writes nothing.
    const pages = await Promise.all(sets.map(async (set) => ({ set, text: await renderReferencePage(set, VERSION) })));
    await commitStaged(
      base,
      pages.map(({ set, text }) => ({ rel: join(below, `${set.name}.md`), contents: Buffer.from(text) })),
    );
    for (const { set } of pages) console.log(`wrote ${shownOut.replace(/\/+$/, '')}/${set.name}.md`);
    return 0;
  } catch (err) {
    console.error(failureLine('django-docker docs', err));
    return 1;
  }
}
