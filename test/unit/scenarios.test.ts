/**
 * Golden files: what each scenario's run creates or changes is compared verbatim with
 * test/scenarios/<name>/expected (input files the run leaves alone are not repeated there, and
 * must come out byte-identical; `.env` holds fresh secrets and is checked apart; the merge bases
 * in .django-docker/base/ must equal the files just written). UPDATE_GOLDENS=1 (npm run
 * update-goldens) rewrites expected/; review the diff before committing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV_MARKER } from '../../generators/generate/render.ts';
import { OUTPUTS } from '../../generators/generate/outputs.ts';
import {
  copyScenarioInput,
  generateAll,
  modeOf,
  prepareScenario,
  readAnswers,
  readTree,
  runGenerator,
  scenarioNames,
  scenariosDir,
} from '../support/scenarios.ts';

const BASES = '.django-docker/base/';
// .env and the cluster's k8s/.env hold fresh secrets.
const skipRandom = (rel: string): boolean => rel === '.env' || rel === 'k8s/.env';

describe('golden scenarios', () => {
  let dirs: Map<string, string>;
  beforeAll(async () => {
    dirs = await generateAll();
  });

  for (const name of scenarioNames()) {
    it(`${name}: what the run writes matches expected/ byte for byte; the rest of the input is untouched`, () => {
      const dir = dirs.get(name)!;
      const inputDir = mkdtempSync(join(tmpdir(), 'dd-input-'));
      copyScenarioInput(join(scenariosDir, name), inputDir);
      const input = readTree(inputDir);
      const after = readTree(dir, (rel) => skipRandom(rel) || rel.startsWith(BASES));
      for (const [rel] of input) expect(after.has(rel), `${rel} is still there`).toBe(true);
      const written = new Map([...after].filter(([rel, content]) => input.get(rel) !== content));
      const expectedDir = join(scenariosDir, name, 'expected');
      if (process.env.UPDATE_GOLDENS) {
        rmSync(expectedDir, { recursive: true, force: true });
        for (const [rel, text] of written) {
          mkdirSync(dirname(join(expectedDir, rel)), { recursive: true });
          writeFileSync(join(expectedDir, rel), text);
        }
      }
      const expected = readTree(expectedDir);
      expect([...written.keys()]).toEqual([...expected.keys()]);
      for (const [rel, text] of expected) expect(written.get(rel), rel).toBe(text);
    });

    it(`${name}: the files laid out whole have a merge base equal to the file; requirements and the state have none`, () => {
      const tree = readTree(dirs.get(name)!);
      const bases = [...tree.keys()].filter((rel) => rel.startsWith(BASES)).map((rel) => rel.slice(BASES.length));
      const settings = bases.find((rel) => rel.endsWith('.py'));
      expect(settings, 'the container settings have a base').toMatch(/(_container|\/container)\.py$/);
      // The compose file is the project's own when it had one; a .env.example of theirs is merged below a marker, without a base.
      const state = JSON.parse(tree.get('.django-docker/state.json')!) as { compose?: { file: string } };
      const envExampleTheirs = tree.get('.env.example')!.includes(ENV_MARKER);
      expect(bases.sort()).toEqual(
        [
          ...(envExampleTheirs ? [] : ['.env.example']),
          state.compose?.file ?? 'compose.yaml',
          settings!,
          // Dockerfile, README.Docker.md, the entrypoint, compose.dev.yaml, the manifests: the files it lays out whole.
          ...OUTPUTS.flatMap((o) => (o.strategy === 'own' && typeof o.path === 'string' && tree.has(o.path) ? [o.path] : [])),
        ].sort(),
      );
      for (const base of bases) expect(tree.get(BASES + base), base).toBe(tree.get(base));
    });

    it(`${name}: YAML and Markdown the generator authors come out prettier-clean (prettier changes nothing)`, async () => {
      const prettier = await import('prettier');
      const tree = readTree(dirs.get(name)!);
      // A project's own compose file keeps its own layout; only the files the generator creates are judged.
      const inputDir = mkdtempSync(join(tmpdir(), 'dd-input-'));
      copyScenarioInput(join(scenariosDir, name), inputDir);
      const input = readTree(inputDir);
      for (const [rel, text] of tree) {
        if (!/\.(ya?ml|md)$/.test(rel) || rel.startsWith('.django-docker/') || input.has(rel)) continue;
        expect(await prettier.format(text, { filepath: rel, proseWrap: 'preserve' }), rel).toBe(text);
      }
    });

    it(`${name}: the entrypoint is executable and LF-only, .env holds fresh secrets`, () => {
      const dir = dirs.get(name)!;
      const tree = readTree(dir);
      const entry = tree.get('docker-entrypoint.sh');
      if (entry !== undefined) {
        expect(modeOf(join(dir, 'docker-entrypoint.sh')) & 0o111).not.toBe(0);
        expect(entry.includes('\r')).toBe(false);
        expect(entry.trimEnd().split('\n').at(-1)).toBe('exec "$@"');
      }
      const env = tree.get('.env')!;
      const key = /^DJANGO_SECRET_KEY=(.*)$/m.exec(env)?.[1] ?? '';
      expect(key).toMatch(/^[A-Za-z0-9_-]{50}$/);
      expect(env).not.toContain('change-me');
    });
  }
});

describe('deterministic output', () => {
  it('the same answers give byte-identical files in two runs (no dates, no random values outside .env)', async () => {
    const trees = [];
    for (let i = 0; i < 2; i++) {
      const dir = prepareScenario('org-overrides');
      await runGenerator(dir, readAnswers('org-overrides'));
      trees.push(readTree(dir, skipRandom));
    }
    expect(trees[1]).toEqual(trees[0]);
  });
});
