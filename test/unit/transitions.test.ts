/**
 * Re-running with one answer changed: the diff between the two runs is compared verbatim with
 * test/transitions/<name>/expected.diff, so a change touches only the lines that depend on that
 * answer. Each folder: from.json and to.json (flags of the two runs), optional input/.
 * UPDATE_GOLDENS=1 rewrites expected.diff.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTwoFilesPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { copyScenarioInput, readTree, runGenerator } from '../support/scenarios.ts';

const transitionsDir = fileURLToPath(new URL('../transitions/', import.meta.url));
const ignore = (rel: string): boolean => rel === '.env' || rel.startsWith('.django-docker/base/');

export function treeDiff(before: Map<string, string>, after: Map<string, string>): string {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths
    .filter((p) => before.get(p) !== after.get(p))
    .map((p) =>
      createTwoFilesPatch(`a/${p}`, `b/${p}`, before.get(p) ?? '', after.get(p) ?? '', '', '', { context: 2 })
        .split('\n')
        .slice(1)
        .join('\n'),
    )
    .join('');
}

describe('transitions: a changed answer changes only what depends on it', () => {
  for (const name of readdirSync(transitionsDir).sort()) {
    it(name, async () => {
      const folder = join(transitionsDir, name);
      const dir = join(mkdtempSync(join(tmpdir(), 'dd-tr-')), 'site');
      mkdirSync(dir);
      copyScenarioInput(folder, dir);
      await runGenerator(dir, JSON.parse(readFileSync(join(folder, 'from.json'), 'utf8')));
      const before = readTree(dir, ignore);
      // The second run uses Yeoman's real conflict handling (no --force).
      await runGenerator(dir, { ...JSON.parse(readFileSync(join(folder, 'to.json'), 'utf8')), force: false });
      const diff = treeDiff(before, readTree(dir, ignore));
      const expectedFile = join(folder, 'expected.diff');
      if (process.env.UPDATE_GOLDENS) writeFileSync(expectedFile, diff);
      expect(diff).toBe(readFileSync(expectedFile, 'utf8'));
    });
  }
});
