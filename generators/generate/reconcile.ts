/**
 * reconcile: decide, per output file, what a run does with the file on disk. With the last
 * generated version as merge base, the user's edits and the generator's changes are merged
 * three ways: edits survive, a true conflict is never resolved silently.
 *
 *   no file on disk                        → create
 *   the generator found a package conflict → conflict (requirements: see requirements-merge.ts)
 *   disk == new                            → unchanged (not touched, mtime kept)
 *   the generator's own state file         → update
 *   a file we add lines to                 → merged (its contents already keep every user line)
 *   disk == base                           → update (the user never edited it)
 *   base, disk and new all differ          → merge: clean → merged; same lines edited → conflict
 *   no base, disk differs                  → replace (Yeoman asks; --force overwrites)
 */
import { diffArrays, structuredPatch } from 'diff';
import type { ExistingFile, OutputFile } from './render.ts';
import { basePath, STATE_DIR } from '../project/state.ts';

export type Status = 'create' | 'unchanged' | 'update' | 'merged' | 'conflict' | 'replace';

export interface Reconciled extends OutputFile {
  status: Status;
  /** Lines added and removed on disk by this run. */
  added: number;
  removed: number;
  /** The generator's own version (differs from `contents` after a merge). */
  generated: string;
}

/** Base lines [start, end) replaced by `lines`; start === end is an insertion before line `start`. */
interface Hunk {
  start: number;
  end: number;
  lines: string[];
}

function hunksOf(base: string[], other: string[]): Hunk[] {
  const out: Hunk[] = [];
  let at = 0;
  let open: Hunk | undefined;
  for (const change of diffArrays(base, other)) {
    if (change.added) {
      open ??= { start: at, end: at, lines: [] };
      open.lines.push(...change.value);
    } else if (change.removed) {
      open ??= { start: at, end: at, lines: [] };
      at += change.value.length;
      open.end = at;
    } else {
      if (open) out.push(open);
      open = undefined;
      at += change.value.length;
    }
  }
  if (open) out.push(open);
  return out;
}

const sameHunk = (a: Hunk, b: Hunk): boolean =>
  a.start === b.start && a.end === b.end && a.lines.length === b.lines.length && a.lines.every((l, i) => l === b.lines[i]);

/**
 * Two edits clash when they change the same base lines, or both insert at the same place (their
 * order is unknown). An edit next to another one does not clash: a comment reworded above a line
 * whose value changes, a line inserted after it, keep both.
 */
function clash(a: Hunk, b: Hunk): boolean {
  if (sameHunk(a, b)) return false;
  const aInserts = a.start === a.end;
  const bInserts = b.start === b.end;
  if (aInserts && bInserts) return a.start === b.start;
  if (aInserts) return a.start > b.start && a.start < b.end;
  if (bInserts) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

function applyHunks(base: string[], start: number, end: number, hunks: readonly Hunk[]): string[] {
  const out: string[] = [];
  let at = start;
  // By position; at one position an insertion (empty range) comes first.
  for (const h of [...hunks].sort((x, y) => x.start - y.start || x.end - y.end)) {
    out.push(...base.slice(at, h.start), ...h.lines);
    at = h.end;
  }
  out.push(...base.slice(at, end));
  return out;
}

export const MARKERS = { yours: '<<<<<<< your version', split: '=======', generator: '>>>>>>> generator' } as const;

/**
 * Three-way merge of line lists. Edits to different lines are combined; edits to the same lines
 * become a conflict region with git-style markers (your version first, then the generator's).
 */
export function mergeThreeWay(base: string, theirs: string, ours: string): { text: string; conflict: boolean } {
  const b = base.split('\n');
  const t = hunksOf(b, theirs.split('\n')).map((h) => ({ ...h, side: 'theirs' as const }));
  const o = hunksOf(b, ours.split('\n')).map((h) => ({ ...h, side: 'ours' as const }));
  // Identical edits on both sides count once.
  const all = [...t, ...o.filter((h) => !t.some((x) => sameHunk(x, h)))];
  // Group clashing edits (transitively): each group with a clash is one conflict region.
  const group = all.map((_, i) => i);
  const find = (i: number): number => (group[i] === i ? i : (group[i] = find(group[i]!)));
  for (let i = 0; i < all.length; i++)
    for (let j = i + 1; j < all.length; j++) if (all[i]!.side !== all[j]!.side && clash(all[i]!, all[j]!)) group[find(i)] = find(j);
  const regions = new Map<number, typeof all>();
  all.forEach((h, i) => regions.set(find(i), [...(regions.get(find(i)) ?? []), h]));
  const pieces: Array<{ start: number; end: number; lines: string[] }> = [];
  let conflict = false;
  for (const hunks of regions.values()) {
    if (hunks.length === 1) {
      pieces.push(hunks[0]!);
      continue;
    }
    conflict = true;
    const start = Math.min(...hunks.map((h) => h.start));
    const end = Math.max(...hunks.map((h) => h.end));
    pieces.push({
      start,
      end,
      lines: [
        MARKERS.yours,
        ...applyHunks(
          b,
          start,
          end,
          hunks.filter((h) => h.side === 'theirs'),
        ),
        MARKERS.split,
        ...applyHunks(
          b,
          start,
          end,
          hunks.filter((h) => h.side === 'ours'),
        ),
        MARKERS.generator,
      ],
    });
  }
  // applyHunks puts an insertion before a replacement that starts at the same line.
  return { text: applyHunks(b, 0, b.length, pieces).join('\n'), conflict };
}

/** Mark where two versions of a file differ: your version first, then the generator's. */
export function markDifferences(yours: string, generator: string): string {
  const y = yours.split('\n');
  const out: string[] = [];
  let at = 0;
  for (const h of hunksOf(y, generator.split('\n'))) {
    out.push(...y.slice(at, h.start), MARKERS.yours, ...y.slice(h.start, h.end), MARKERS.split, ...h.lines, MARKERS.generator);
    at = h.end;
  }
  out.push(...y.slice(at));
  return out.join('\n');
}

function lineChanges(before: string | undefined, after: string): { added: number; removed: number } {
  const patch = structuredPatch('a', 'b', before ?? '', after, '', '', { context: 0 });
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added++;
      else if (line.startsWith('-')) removed++;
    }
  }
  return { added, removed };
}

export function reconcile(outputs: readonly OutputFile[], disk: ExistingFile, force: boolean): Reconciled[] {
  return outputs.map((file): Reconciled => {
    const current = disk(file.path);
    const generated = file.contents;
    const done = (status: Status, contents: string): Reconciled => ({
      ...file,
      contents,
      generated,
      status,
      ...lineChanges(current, contents),
    });
    if (current === undefined) return done('create', generated);
    if (file.conflicts?.length) return done('conflict', generated);
    if (current === generated) return done('unchanged', generated);
    if (file.path.startsWith(`${STATE_DIR}/`)) return done('update', generated);
    if (file.action === 'merged') return done('merged', generated);
    const base = file.mergeBase ? disk(basePath(file.path)) : undefined;
    if (base !== undefined) {
      if (current === base) return done('update', generated);
      const m = mergeThreeWay(base, current, generated);
      // --force settles a conflict with the generator's version; a clean merge keeps the user's edits either way.
      if (m.conflict && force) return done('replace', generated);
      return done(m.conflict ? 'conflict' : 'merged', m.text);
    }
    return done('replace', generated);
  });
}
