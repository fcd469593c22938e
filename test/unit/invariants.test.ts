/**
 * Invariants of every generated scenario (test/support/invariants.ts), read back with real
 * parsers: the values that must agree (port, paths, user, modules, database) do agree, whatever
 * the answers were.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Expected, INVARIANTS } from '../support/invariants.ts';
import { generateAll, readAnswers, scenarioNames } from '../support/scenarios.ts';

export function expectedOf(answers: Record<string, unknown>): Expected {
  return {
    ...(answers.port !== undefined ? { port: Number(answers.port) } : {}),
    ...(answers.uid !== undefined ? { uid: Number(answers.uid) } : {}),
  };
}

describe('invariants of generated files', () => {
  let dirs: Map<string, string>;
  beforeAll(async () => {
    dirs = await generateAll();
  });

  for (const name of scenarioNames()) {
    describe(name, () => {
      for (const invariant of INVARIANTS) {
        it(invariant.name, async () => {
          expect(await invariant.check(dirs.get(name)!, expectedOf(readAnswers(name)))).toEqual([]);
        });
      }
    });
  }
});
