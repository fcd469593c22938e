/**
 * reconcile: decide, per output file, what a run does with the file on disk. With the last
 * generated version as merge base, the user's edits and the generator's changes are merged
 * three ways: edits survive, a true conflict is never resolved silently.
 *
 *   no file on disk                      → create
 *   disk == new                          → unchanged (not touched, mtime kept)
 *   disk == base                         → update (the user never edited it)
 *   base, disk and new all differ        → merge: clean → merged; overlap → conflict (markers)
 *   no base, disk differs, ours to own   → replace (Yeoman asks; --force overwrites)
 *   no base, a file we add lines to      → merged (their lines kept, see render.ts)
 */
import { merge } from 'node-diff3';
import { structuredPatch } from 'diff';
import type { ExistingFile, OutputFile } from './render.ts';
import { basePath } from '../project/state.ts';

export type Status = 'create' | 'unchanged' | 'update' | 'merged' | 'conflict' | 'replace';

export interface Reconciled extends OutputFile {
  status: Status;
  /** Lines added and removed on disk by this run. */
  added: number;
  removed: number;
  /** The generator's own version (differs from `contents` after a merge). */
  generated: string;
}

function splitLines(text: string): string[] {
  return text.split('\n');
}

/** Three-way merge of line lists; conflict regions get git-style markers. */
export function mergeThreeWay(base: string, theirs: string, ours: string): { text: string; conflict: boolean } {
  const r = merge(splitLines(theirs), splitLines(base), splitLines(ours), {
    label: { a: 'your version', o: 'last generated', b: 'generator' },
  });
  return { text: r.result.join('\n'), conflict: r.conflict };
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
    const base = disk(basePath(file.path));
    const generated = file.contents;
    const done = (status: Status, contents: string): Reconciled => ({
      ...file,
      contents,
      generated,
      status,
      ...lineChanges(current, contents),
    });
    if (current === undefined) return done('create', generated);
    if (current === generated) return done('unchanged', generated);
    if (base !== undefined) {
      if (current === base) return done('update', generated);
      if (force) return done('replace', generated);
      const m = mergeThreeWay(base, current, generated);
      return done(m.conflict ? 'conflict' : 'merged', m.text);
    }
    if (file.action === 'merged') return done('merged', generated);
    return done('replace', generated);
  });
}
