/**
 * The packages the generator manages in the user's requirements, merged by package name rather
 * than by line: the generator owns exactly the lines it added (state.json lists them) and changes
 * only those, wherever they stand; every other line is the user's and is kept byte for byte.
 *
 * Per managed package (B: the line the last run wrote, W: the line this run wants, if any):
 *   the file still has B                → replaced by W in place, or removed when W is gone
 *   the user changed B, W equals B      → the user's line stays and becomes theirs
 *   the user changed B, W differs       → conflict (one line naming the package)
 *   the user removed B, W is gone       → nothing to do
 *   the user removed B, W is still due  → conflict: the container needs it
 * A need the project already meets with a line of its own is not added (never a second driver);
 * a managed line that such a line of the user's now duplicates is removed.
 */
import { parse as parseToml, patch as patchToml } from '@decimalturn/toml-patch';
import { normaliseName, parseRequirementLine, sameRequirement } from '../project/requirements.ts';
import { markDifferences } from './reconcile.ts';

/** One thing the container needs: the line the generator writes, and the distributions that meet it. */
export interface RequirementNeed {
  line: string;
  /** Normalised names (no extras); any of them in the user's lines meets the need. */
  metBy: string[];
}

export interface PackageMergeInput {
  /** The file, for messages. */
  file: string;
  format: 'requirements' | 'pyproject';
  text: string;
  /** Lines the last run added and manages (state.json). */
  managed: readonly string[];
  needs: readonly RequirementNeed[];
  /** Normalised names the project lists in other files (-r includes): never edited, but they meet needs. */
  elsewhere: readonly string[];
  force: boolean;
}

export interface PackageMergeResult {
  /** The new file: merged; with conflict markers when a conflict is not forced. */
  text: string;
  /** Lines the generator manages after this run. */
  managed: string[];
  /** One line per package the user and the generator both changed. */
  conflicts: string[];
  added: string[];
  removed: string[];
}

/** The comment above the lines the generator adds to a requirements file. */
export const ADDED_NOTE = 'Added by generator-django-docker: what the container runs';

/** Distribution name of a requirement (no extras, normalised), or undefined for options and paths. */
export function requirementName(text: string): string | undefined {
  const parsed = parseRequirementLine(text);
  return parsed && (parsed.type === 'ProjectName' || parsed.type === 'ProjectURL') ? normaliseName(parsed.name) : undefined;
}

/** An entry of the file: a requirement line (or pyproject item), with its distribution name. */
interface Entry {
  name?: string;
  requirement: string;
}

/** What to do with the entries: replace or drop some, insert lines after an entry (-1: at the end). */
interface Edits {
  replace: Map<number, string>;
  drop: Set<number>;
  insertAfter: Map<number, string[]>;
  managed: string[];
}

interface Decision {
  merged: Edits;
  forced: Edits;
  conflicts: string[];
}

function decide(entries: readonly Entry[], input: PackageMergeInput): Decision {
  const managed = new Map<string, string>();
  for (const line of input.managed) {
    const name = requirementName(line);
    if (name) managed.set(name, line);
  }
  const named = entries.map((e, i) => ({ ...e, i })).filter((e): e is Entry & { name: string; i: number } => e.name !== undefined);
  // The entry holding each managed package: its line as written, else the first line naming it (the user's change).
  const slot = new Map<string, { i: number; changed: boolean }>();
  for (const [name, line] of managed) {
    const same = named.find((e) => e.name === name && sameRequirement(e.requirement, line));
    const any = named.find((e) => e.name === name);
    if (same) slot.set(name, { i: same.i, changed: false });
    else if (any) slot.set(name, { i: any.i, changed: true });
  }
  const slots = new Set([...slot.values()].map((s) => s.i));
  const theirs = new Set([...input.elsewhere, ...named.filter((e) => !slots.has(e.i)).map((e) => e.name)]);
  // What this run wants, by name: the line of each need the user's own lines do not meet.
  const wanted = new Map<string, string>();
  for (const need of input.needs) {
    const name = requirementName(need.line);
    if (name && !need.metBy.some((n) => theirs.has(n))) wanted.set(name, need.line);
  }

  const edits = (): Edits => ({ replace: new Map(), drop: new Set(), insertAfter: new Map(), managed: [] });
  const merged = edits();
  const forced = edits();
  const both = (f: (e: Edits) => void): void => {
    f(merged);
    f(forced);
  };
  const conflicts: string[] = [];
  const appendMerged: string[] = [];
  const appendForced: string[] = [];
  for (const [name, before] of managed) {
    const want = wanted.get(name);
    const at = slot.get(name);
    if (at && !at.changed) {
      if (want === undefined) both((e) => e.drop.add(at.i));
      else
        both((e) => {
          if (!sameRequirement(want, before)) e.replace.set(at.i, want);
          e.managed.push(want);
        });
    } else if (at) {
      const now = entries[at.i]!.requirement;
      if (want !== undefined && sameRequirement(want, before)) continue; // their change wins; the line is theirs now
      conflicts.push(
        `${input.file}: you changed ${before} to ${now}, and the generator now ${want === undefined ? 'removes it' : `writes ${want}`}`,
      );
      if (want === undefined) forced.drop.add(at.i);
      else {
        forced.replace.set(at.i, want);
        forced.managed.push(want);
      }
    } else if (want !== undefined) {
      conflicts.push(`${input.file}: you removed ${before}, which the container needs`);
      appendForced.push(want);
      forced.managed.push(want);
    }
  }
  for (const [name, line] of wanted) {
    if (managed.has(name)) continue;
    appendMerged.push(line);
    appendForced.push(line);
    both((e) => e.managed.push(line));
  }
  place(merged, appendMerged, slot);
  place(forced, appendForced, slot);
  return { merged, forced, conflicts };
}

/**
 * New lines take the places of dropped managed lines first (a driver or server swap stays on its
 * line), then go after the last managed line that stays, else at the end.
 */
function place(edits: Edits, lines: readonly string[], slot: ReadonlyMap<string, { i: number }>): void {
  const queue = [...lines];
  for (const i of [...edits.drop].sort((a, b) => a - b)) {
    const line = queue.shift();
    if (line === undefined) break;
    edits.drop.delete(i);
    edits.replace.set(i, line);
  }
  if (queue.length === 0) return;
  const kept = [...slot.values()].map((s) => s.i).filter((i) => !edits.drop.has(i));
  edits.insertAfter.set(kept.length ? Math.max(...kept) : -1, queue);
}

/** Managed lines this run adds and takes away. */
function summary(input: PackageMergeInput, edits: Edits): { added: string[]; removed: string[] } {
  return {
    added: edits.managed.filter((m) => !input.managed.some((b) => sameRequirement(m, b))),
    removed: input.managed.filter((b) => !edits.managed.some((m) => sameRequirement(m, b))),
  };
}

/** Physical lines of a requirements file grouped into logical lines (`\` continues a line). */
function logicalLines(lines: readonly string[]): Array<{ start: number; end: number; requirement: string }> {
  const out: Array<{ start: number; end: number; requirement: string }> = [];
  for (let i = 0; i < lines.length;) {
    const start = i;
    let joined = '';
    for (;;) {
      const line = lines[i] ?? '';
      i++;
      const body = line.replace(/(^|\s)#.*$/, '');
      if (/\\\s*$/.test(body) && i < lines.length) joined += `${body.replace(/\\\s*$/, '')} `;
      else {
        joined += body;
        break;
      }
    }
    out.push({ start, end: i, requirement: joined.trim() });
  }
  return out;
}

function mergeRequirementsText(input: PackageMergeInput): PackageMergeResult {
  const lines = input.text.split('\n');
  const logical = logicalLines(lines);
  const entries: Entry[] = logical.map((l) => {
    const name = l.requirement.startsWith('-') ? undefined : requirementName(l.requirement);
    return { requirement: l.requirement, ...(name ? { name } : {}) };
  });
  const decision = decide(entries, input);
  const render = (edits: Edits): string => {
    const out: string[] = [];
    const append = edits.insertAfter.get(-1);
    logical.forEach((l, i) => {
      const physical = lines.slice(l.start, l.end);
      const first = physical[0]!;
      if (edits.replace.has(i)) {
        // A comment the user put after the requirement stays.
        const comment = physical.length === 1 ? (/(\s+#.*)$/.exec(first)?.[1] ?? '') : '';
        out.push(`${/^\s*/.exec(first)![0]}${edits.replace.get(i)!}${comment}`);
      } else if (!edits.drop.has(i)) out.push(...physical);
      const after = edits.insertAfter.get(i);
      if (after) out.push(...after);
    });
    let text = out.join('\n');
    if (append?.length) {
      const hasNote = out.some((l) => l.trim() === `# ${ADDED_NOTE}`);
      const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
      text = hasNote ? `${body}${append.join('\n')}\n` : `${body}${body.trim() === '' ? '' : '\n'}# ${ADDED_NOTE}\n${append.join('\n')}\n`;
    }
    if (edits.managed.length === 0) text = dropNote(text);
    return text;
  };
  return finish(input, decision, render);
}

/** With nothing of the generator's left, its note goes too (with the blank line above it at the end of a block). */
function dropNote(text: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim() === `# ${ADDED_NOTE}`);
  if (at < 0) return text;
  const next = lines[at + 1];
  const start = at > 0 && lines[at - 1]!.trim() === '' && (next === undefined || next.trim() === '') ? at - 1 : at;
  lines.splice(start, at + 1 - start);
  return lines.join('\n');
}

function mergePyprojectText(input: PackageMergeInput): PackageMergeResult {
  const data = parseToml(input.text) as { project: { dependencies: unknown[] } };
  const items = data.project.dependencies;
  const entries: Entry[] = items.map((d) => {
    const requirement = typeof d === 'string' ? d : '';
    const name = requirement ? requirementName(requirement) : undefined;
    return { requirement, ...(name ? { name } : {}) };
  });
  const decision = decide(entries, input);
  const render = (edits: Edits): string => {
    const out: unknown[] = [];
    items.forEach((item, i) => {
      if (edits.replace.has(i)) out.push(edits.replace.get(i)!);
      else if (!edits.drop.has(i)) out.push(item);
      out.push(...(edits.insertAfter.get(i) ?? []));
    });
    out.push(...(edits.insertAfter.get(-1) ?? []));
    if (out.length === items.length && out.every((d, i) => d === items[i])) return input.text;
    const next = parseToml(input.text) as { project: { dependencies: unknown[] } };
    next.project.dependencies = out;
    return patchToml(input.text, next);
  };
  return finish(input, decision, render);
}

function finish(input: PackageMergeInput, decision: Decision, render: (edits: Edits) => string): PackageMergeResult {
  const forced = render(decision.forced);
  if (input.force || decision.conflicts.length === 0) {
    const edits = decision.conflicts.length ? decision.forced : decision.merged;
    return { text: render(edits), managed: edits.managed, conflicts: [], ...summary(input, edits) };
  }
  // Unforced conflict: the file shows both versions where they differ; the generator's lines are
  // what it manages from now on, as after any resolved merge.
  return {
    text: markDifferences(render(decision.merged), forced),
    managed: decision.forced.managed,
    conflicts: decision.conflicts,
    ...summary(input, decision.forced),
  };
}

export function mergeManagedRequirements(input: PackageMergeInput): PackageMergeResult {
  return input.format === 'pyproject' ? mergePyprojectText(input) : mergeRequirementsText(input);
}
