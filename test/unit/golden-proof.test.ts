/**
 * No golden without proof. A golden records what a run wrote; these tests check that what it
 * records is right: the output of every golden scenario (its input with expected/ laid over it)
 * and of every transition golden (the first run with expected.diff applied) passes the invariant
 * checks and comes out of the doctor with no error and no warning. An updated golden that locks
 * in a broken output (an `image: mysql:17`) fails here, whatever the golden comparison says.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doctorProblems, type Expected, invariantProblems } from '../support/invariants.ts';
import { copyScenarioInput, readAnswers, runGenerator, scenarioNames, scenariosDir } from '../support/scenarios.ts';
import { applyTreeDiff, ignoredInDiff, readFlags, readTree, runFrom, transitionNames, transitionsDir } from '../support/transitions.ts';

function expectedOf(answers: Record<string, unknown>): Expected {
  return {
    ...(answers.port !== undefined ? { port: Number(answers.port) } : {}),
    ...(answers.uid !== undefined ? { uid: Number(answers.uid) } : {}),
  };
}

/** Write a tree into a fresh folder named `name` (the project name comes from the folder). */
function materialise(tree: ReadonlyMap<string, string>, name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-proof-')), name);
  for (const [rel, text] of tree) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

async function proof(dir: string, expected: Expected): Promise<string[]> {
  return [...(await invariantProblems(dir, expected)), ...(await doctorProblems(dir)).map((p) => `doctor: ${p}`)];
}

describe('every golden scenario is proven: its recorded output passes the invariants and the doctor', () => {
  for (const name of scenarioNames()) {
    it(name, async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'dd-proof-')), name);
      mkdirSync(dir);
      copyScenarioInput(join(scenariosDir, name), dir);
      cpSync(join(scenariosDir, name, 'expected'), dir, { recursive: true });
      expect(await proof(dir, expectedOf(readAnswers(name)))).toEqual([]);
    });
  }
});

describe('every transition golden is proven: the first run with expected.diff applied passes the invariants and the doctor', () => {
  for (const name of transitionNames()) {
    it(name, async () => {
      const from = await runFrom(name);
      const after = applyTreeDiff(readTree(from, ignoredInDiff), readFileSync(join(transitionsDir, name, 'expected.diff'), 'utf8'));
      const dir = materialise(after, 'site');
      expect(await proof(dir, expectedOf({ ...readFlags(name, 'from'), ...readFlags(name, 'to') }))).toEqual([]);
    });
  }
});

describe('the proof can fail', () => {
  it('rejects what the postgres → mysql golden once held: image mysql:17, psycopg kept, no mysqlclient', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dd-proof-')), 'site');
    mkdirSync(dir);
    await runGenerator(dir, { yes: true, 'project-name': 'site1', database: 'mysql' });
    const edit = (file: string, from: string, to: string): void => {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text).toContain(from);
      writeFileSync(join(dir, file), text.replace(from, to));
    };
    edit('compose.yaml', 'image: mysql:8.4', 'image: mysql:17');
    edit('.yo-rc.json', '"dbVersion": "8.4"', '"dbVersion": "17"');
    edit('requirements.txt', 'mysqlclient==2.2.7', 'psycopg==3.3.6');
    const problems = await proof(dir, {});
    expect(problems).toContain(
      'the DB service image, version, volume and healthcheck belong to the engine in the settings: MySQL has no version 17',
    );
    expect(problems).toContain(
      'the DB engine in the settings has its driver in the requirements, and only one: django.db.backends.mysql needs one driver, the requirements have none',
    );
    expect(problems.some((p) => p.startsWith('doctor: ') && p.includes('missing-python-dep'))).toBe(true);
  });
});
