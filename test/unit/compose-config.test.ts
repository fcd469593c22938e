/**
 * `docker compose config -q` accepts every scenario's output with the .env the run wrote: the
 * compose file parses, every `${X:?}` has its value, and a project's own services still validate
 * next to the generated ones. Needs only the compose CLI, not a running engine.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateAll, scenarioNames } from '../support/scenarios.ts';

const compose = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8', timeout: 20_000 });
const available = compose.status === 0;
// Without the compose CLI the check is skipped locally, never in CI.
const d = available || process.env.CI === 'true' ? describe : describe.skip;

d(`docker compose config accepts every scenario${available ? '' : ' — skipped: no docker compose CLI here'}`, () => {
  let dirs: Map<string, string>;
  beforeAll(async () => {
    dirs = await generateAll();
  });
  for (const name of scenarioNames()) {
    it(`${name}: docker compose config -q exits 0 with the generated .env`, () => {
      const r = spawnSync('docker', ['compose', 'config', '-q'], { cwd: dirs.get(name)!, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      // Compose warns about a project's own `version:` key; nothing else may come out.
      expect(r.stderr.split('\n').filter((l) => l && !/attribute `version` is obsolete/.test(l))).toEqual([]);
    });
  }
});
