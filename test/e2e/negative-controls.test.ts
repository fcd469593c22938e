/**
 * Negative controls: small hand-written setups of one tiny Django site (negative/_app), each
 * with one fault from the failure catalogue, run through the same harness as the generated
 * scenarios. Each must stop at the stage the catalogue names, with the catalogue's symptom in
 * the logs; the baseline (the same site set up correctly) must come out `ok`. A harness that
 * reports the same thing for all of them proves nothing.
 */
import { describe, expect, it } from 'vitest';
import { prepareFixture, probe, removeDir, Stack, type Stage } from './harness.ts';

interface Control {
  fixture: string;
  /** compose files, when not just compose.yaml */
  files?: string[];
  /** catalogue rule id */
  rule: string;
  stage: Stage;
  status?: number;
  /** the symptom the catalogue quotes, as it shows in `docker compose logs` */
  logs?: RegExp;
  /** the web container's own healthcheck, run inside the container */
  health?: string;
}

const controls: Control[] = [
  { fixture: 'baseline', rule: 'none: the same site set up correctly', stage: 'ok', status: 200, health: 'healthy' },
  {
    fixture: 'missing-db-driver',
    rule: 'missing-python-dep, migrating at start',
    stage: 'start',
    logs: /Error loading psycopg2 or psycopg module/,
  },
  {
    fixture: 'missing-db-driver',
    files: ['compose.yaml', 'compose.no-migrate.yaml'],
    rule: 'missing-python-dep, server started directly',
    // Not a 500: any model class makes Django load the DB backend while the WSGI app is imported.
    stage: 'start',
    logs: /Error loading psycopg2 or psycopg module[\s\S]*Worker failed to boot/,
  },
  { fixture: 'workdir-copy-mismatch', rule: 'workdir-copy-mismatch', stage: 'start', logs: /can't open file '\/srv\/site\/manage\.py'/ },
  { fixture: 'bind-loopback', rule: 'bind-loopback', stage: 'reach', logs: /Listening at: http:\/\/127\.0\.0\.1:8000/, health: 'healthy' },
  {
    fixture: 'allowed-hosts-missing',
    rule: 'allowed-hosts-missing',
    stage: 'serve',
    status: 400,
    logs: /Invalid HTTP_HOST header: '127\.0\.0\.1:\d+'/,
  },
  {
    fixture: 'sqlite-dir-not-writable',
    rule: 'nonroot-write-denied / named-volume-root-owned',
    stage: 'start',
    logs: /unable to open database file|attempt to write a readonly database/,
  },
];

describe('negative controls: each fails at the stage the catalogue names', () => {
  for (const c of controls) {
    const name = `${c.fixture}${c.files ? ` (${c.files.slice(1).join(', ')})` : ''} [${c.rule}] → ${c.stage}${c.status ? ` ${c.status}` : ''}`;
    it(
      name,
      async () => {
        const { dir, root } = prepareFixture(c.fixture);
        const stack = new Stack(dir, `neg-${c.fixture}`, 8000, { files: c.files });
        try {
          const v = await probe(stack, { waitSeconds: 90, reachTimeoutMs: 20_000 });
          const report = `${v.stage}: ${v.detail}\n--- logs\n${v.logs.slice(-3000)}`;
          expect(v.stage, report).toBe(c.stage);
          if (c.status !== undefined) expect(v.status, report).toBe(c.status);
          if (c.logs) expect(v.logs, report).toMatch(c.logs);
          if (c.health) expect((await stack.state())?.health, report).toBe(c.health);
          if (c.stage === 'start') {
            const s = await stack.state();
            expect(s?.running && s.restartCount === 0 && s.health !== 'unhealthy', `web container: ${JSON.stringify(s)}`).toBe(false);
          }
        } finally {
          await stack.destroy();
          removeDir(root);
        }
      },
      10 * 60_000,
    );
  }
});
