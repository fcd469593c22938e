/**
 * Re-running with one answer changed: the diff between the two runs is compared verbatim with
 * test/transitions/<name>/expected.diff, so a change touches only the lines that depend on that
 * answer. Each folder: from.json and to.json (flags of the two runs), optional input/.
 * UPDATE_GOLDENS=1 rewrites expected.diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGenerator } from '../support/scenarios.ts';
import { ignoredInDiff, readFlags, readTree, runFrom, transitionNames, transitionsDir, treeDiff } from '../support/transitions.ts';

describe('transitions: a changed answer changes only what depends on it', () => {
  for (const name of transitionNames()) {
    it(name, async () => {
      const dir = await runFrom(name);
      const before = readTree(dir, ignoredInDiff);
      // The second run uses Yeoman's real conflict handling (no --force).
      await runGenerator(dir, { ...readFlags(name, 'to'), force: false });
      const diff = treeDiff(before, readTree(dir, ignoredInDiff));
      const expectedFile = join(transitionsDir, name, 'expected.diff');
      if (process.env.UPDATE_GOLDENS) writeFileSync(expectedFile, diff);
      expect(diff).toBe(readFileSync(expectedFile, 'utf8'));
    });
  }
});
