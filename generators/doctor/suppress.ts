/**
 * Suppressions, as hadolint has them. A finding someone has judged and accepted stays out of
 * the text output and the exit status, and is kept in JSON and SARIF (as suppressed, with the
 * reason) so a review can still see it:
 *   # django-docker: ignore=rule-id[,rule-id] reason     on the finding's line or the line above
 *   # django-docker: ignore-file=rule-id[,rule-id] reason among the comments at the top of a file
 *   "ignore": ["rule-id", {"rule": "rule-id", "file": "compose*.yaml", "reason": "…"}]
 *                                                         in django-docker.config.json (project, then home)
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix } from 'node:path';
import { UsageError } from '../common/errors.ts';
import { CONFIG_FILE } from '../generate/org-config.ts';
import { RULE_BY_ID } from './catalogue.ts';
import type { Finding } from './types.ts';

export interface IgnoreEntry {
  rule: string;
  /** Path or glob, relative to the checked folder; every file when absent. */
  file?: string;
  reason?: string;
}

export interface Suppression {
  /** SARIF's kinds: a comment in the file, or the config file. */
  kind: 'inSource' | 'external';
  reason: string;
  /** Where it is written: `Dockerfile:12` or `django-docker.config.json`. */
  where: string;
}

const DIRECTIVE = /#\s*django-docker:\s*(ignore|ignore-file|global\s+ignore)\s*=\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(.*)$/;

/** Validate the `ignore` key of a config file; `source` names the file in the one-line error. */
export function validateIgnore(value: unknown, source: string): IgnoreEntry[] {
  if (!Array.isArray(value)) throw new UsageError(`${source}: "ignore" must be a list of rule ids or {"rule", "file", "reason"} objects`);
  return value.map((entry) => {
    const e: IgnoreEntry =
      typeof entry === 'string'
        ? { rule: entry }
        : entry && typeof entry === 'object' && !Array.isArray(entry)
          ? (entry as IgnoreEntry)
          : ({ rule: String(entry) } as IgnoreEntry);
    for (const key of Object.keys(e))
      if (!['rule', 'file', 'reason'].includes(key))
        throw new UsageError(`${source}: "ignore" entries take rule, file and reason, not "${key}"`);
    if (typeof e.rule !== 'string' || !RULE_BY_ID.has(e.rule))
      throw new UsageError(`${source}: "ignore" names ${JSON.stringify(e.rule)}, which is not a doctor rule id (see docs/doctor.md)`);
    if (e.file !== undefined && (typeof e.file !== 'string' || e.file === '' || e.file.startsWith('/')))
      throw new UsageError(`${source}: "ignore" file ${JSON.stringify(e.file)} must be a path relative to the project`);
    if (e.reason !== undefined && typeof e.reason !== 'string') throw new UsageError(`${source}: "ignore" reason must be a string`);
    return e;
  });
}

function readIgnore(file: string, source: string): IgnoreEntry[] {
  if (!existsSync(file)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${source} is not valid JSON (${(err as Error).message}): fix it`);
  }
  const ignore = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { ignore?: unknown }).ignore : undefined;
  return ignore === undefined ? [] : validateIgnore(ignore, source);
}

/** The `ignore` lists of the project's and the home folder's config file. */
export function configIgnores(root: string, home = homedir()): Array<IgnoreEntry & { source: string }> {
  const project = join(root, CONFIG_FILE);
  const user = join(home, CONFIG_FILE);
  return [
    ...readIgnore(project, CONFIG_FILE).map((e) => ({ ...e, source: CONFIG_FILE })),
    ...(user === project ? [] : readIgnore(user, `~/${CONFIG_FILE}`).map((e) => ({ ...e, source: `~/${CONFIG_FILE}` }))),
  ];
}

function globMatch(glob: string, path: string): boolean {
  const re = new RegExp(
    `^${posix
      .normalize(glob)
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*\*\//g, '\u0001')
      .replace(/\*\*/g, '\u0000')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')
      .replaceAll('\u0001', '(?:.*/)?')
      .replaceAll('\u0000', '.*')}$`,
  );
  return re.test(path);
}

interface Directive {
  rules: Set<string>;
  reason: string;
  line: number;
}

/** The directives of one file: by line, and those for the whole file. */
function directives(text: string): { lines: Map<number, Directive>; file: Directive[] } {
  const lines = new Map<number, Directive>();
  const file: Directive[] = [];
  let header = true;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (header && trimmed !== '' && !trimmed.startsWith('#')) header = false;
    const m = DIRECTIVE.exec(line);
    if (!m) return;
    const d: Directive = { rules: new Set(m[2]!.split(',').map((r) => r.trim())), reason: m[3]!.trim(), line: i + 1 };
    if (m[1] === 'ignore') lines.set(i + 1, d);
    else if (header) file.push(d);
  });
  return { lines, file };
}

/** Split findings into those that stand and those suppressed (with how). */
export function applySuppressions(
  findings: Finding[],
  read: (file: string) => string | undefined,
  ignores: Array<IgnoreEntry & { source: string }>,
): { kept: Finding[]; suppressed: Array<Finding & { suppression: Suppression }> } {
  const cache = new Map<string, ReturnType<typeof directives> | undefined>();
  const of = (file: string): ReturnType<typeof directives> | undefined => {
    if (!cache.has(file)) {
      let text: string | undefined;
      try {
        text = read(file);
      } catch {
        text = undefined;
      }
      cache.set(file, text === undefined ? undefined : directives(text));
    }
    return cache.get(file);
  };
  const kept: Finding[] = [];
  const suppressed: Array<Finding & { suppression: Suppression }> = [];
  for (const f of findings) {
    const d = of(f.file);
    // The finding's own line (a trailing comment), or the comment line just above it.
    const inline = [d?.lines.get(f.line), d?.lines.get(f.line - 1)].find((x) => x?.rules.has(f.rule));
    const whole = d?.file.find((x) => x.rules.has(f.rule));
    const entry = ignores.find((e) => e.rule === f.rule && (e.file === undefined || globMatch(e.file, f.file)));
    const hit: Suppression | undefined = inline
      ? { kind: 'inSource', reason: inline.reason, where: `${f.file}:${inline.line}` }
      : whole
        ? { kind: 'inSource', reason: whole.reason, where: `${f.file}:${whole.line}` }
        : entry
          ? { kind: 'external', reason: entry.reason ?? '', where: entry.source }
          : undefined;
    if (hit) suppressed.push({ ...f, suppression: hit });
    else kept.push(f);
  }
  return { kept, suppressed };
}
