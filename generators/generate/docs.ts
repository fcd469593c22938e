/**
 * The docs renderer: for answer sets, a Markdown page per set with each generated file in a
 * fenced block and, under it, what each part does. The explanations are the files' own
 * comments (explain.ts), so the page and the files cannot drift apart.
 */
import { finaliseAnswers, parseAnswersObject, type RawAnswers } from './answers.ts';
import type { NewProject } from '../project/detect.ts';
import { explain } from './explain.ts';
import { UsageError } from '../common/errors.ts';
import { buildPlan } from './plan.ts';
import { renderFiles } from './render.ts';
import { documentedFiles } from './outputs.ts';
import type { OrgConfig } from './org-config.ts';

export interface AnswerSet {
  name: string;
  answers: RawAnswers;
  /** Organisation settings (registry, index, labels) the page is rendered with. */
  organisation?: OrgConfig;
}

/** Parse an answers file for the docs renderer: one object, or a list of objects with a "name". */
export function answerSetsFrom(raw: unknown, source: string): AnswerSet[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new UsageError(`${source} holds an empty list: give at least one answer set`);
  const sets = list.map((item, i): AnswerSet => {
    const name =
      item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string'
        ? (item as { name: string }).name
        : list.length === 1
          ? 'default'
          : `set-${i + 1}`;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
      throw new UsageError(`${source}: name "${name}" must be lower-case letters, digits and -, as it names the page`);
    const where = `${source}${list.length > 1 ? ` [${i}]` : ''}`;
    const parsed = parseAnswersObject(item, where);
    // A page is rendered without a project: settings that point into one have nothing to point at.
    for (const key of ['caCert', 'templates'])
      if (parsed.organisation?.[key] !== undefined)
        throw new UsageError(`${where}: "organisation.${key}" needs a project; reference pages are rendered without one`);
    return { name, answers: parsed.answers, ...(parsed.organisation ? { organisation: parsed.organisation as OrgConfig } : {}) };
  });
  const dup = sets.find((s, i) => sets.findIndex((t) => t.name === s.name) !== i);
  if (dup) throw new UsageError(`${source}: two answer sets are named "${dup.name}": names must differ`);
  return sets;
}

function table(rows: Array<[string, string]>): string {
  return ['| answer | value |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | \`${v}\` |`)].join('\n');
}

export async function renderReferencePage(set: AnswerSet, generatorVersion: string): Promise<string> {
  const folderName = typeof set.answers.projectName === 'string' ? set.answers.projectName : 'mysite';
  const detected: NewProject = { kind: 'new', root: '.', folderName };
  const answers = finaliseAnswers(detected, set.answers);
  const plan = buildPlan(detected, answers, set.organisation ?? {});
  const files = await renderFiles(plan, () => undefined);
  const parts: string[] = [
    `# Django container setup: ${set.name}`,
    '',
    `Rendered by generator-django-docker ${generatorVersion} for a new project named \`${answers.projectName}\`, with these answers:`,
    '',
    table(Object.entries(answers).map(([k, v]): [string, string] => [k, String(v) || '(none)'])),
    '',
    'Regenerate with `npx django-docker docs`. The explanations under each file are its own comments.',
  ];
  for (const { path, language } of documentedFiles(plan)) {
    const file = files.find((f) => f.path === path);
    if (!file) continue;
    parts.push('', `## \`${file.path}\``, '', `\`\`\`${language}`, file.contents.trimEnd(), '```');
    const notes = explain(file.path, file.contents);
    if (notes.length > 0) {
      parts.push('', 'What the parts do:', '');
      for (const n of notes) {
        const subject = n.subject.length > 72 ? `${n.subject.slice(0, 71)}…` : n.subject;
        parts.push(subject ? `- line ${n.line}, \`${subject.replaceAll('`', "'")}\`: ${n.text}` : `- ${n.text}`);
      }
    }
  }
  return `${parts.join('\n')}\n`;
}
