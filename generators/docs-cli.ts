/**
 * `django-docker docs [--answers file.json] [--out dir]`: render reference pages for answer
 * sets without a project (see generate/docs.ts). Default: the default answers into docs/reference.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type AnswerSet, answerSetsFrom, renderReferencePage } from './generate/docs.ts';
import { UsageError } from './common/errors.ts';

export async function runDocsCli(argv: string[], version: string): Promise<number> {
  let values: { answers?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { answers: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    console.error(`django-docker docs: ${(err as Error).message.split('\n')[0]}; see --help`);
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
    if (values.answers) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(resolve(values.answers), 'utf8'));
      } catch (err) {
        throw new UsageError(`${values.answers} is not a readable JSON file (${(err as Error).message.split('\n')[0]}): fix it`);
      }
      sets = answerSetsFrom(raw, values.answers);
    }
    // Render every page before writing any, so a bad set writes nothing.
    const pages = await Promise.all(sets.map(async (set) => ({ set, text: await renderReferencePage(set, version) })));
    const out = resolve(values.out ?? 'docs/reference');
    mkdirSync(out, { recursive: true });
    for (const { set, text } of pages) {
      writeFileSync(join(out, `${set.name}.md`), text);
      console.log(`wrote ${join(values.out ?? 'docs/reference', `${set.name}.md`)}`);
    }
    return 0;
  } catch (err) {
    const e = err as Error;
    console.error(
      `django-docker docs: ${e.name === 'UsageError' ? e.message : `unexpected error, please report it: ${e.stack ?? e.message}`}`,
    );
    return 1;
  }
}
