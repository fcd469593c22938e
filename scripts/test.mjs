#!/usr/bin/env node
// Runs the unit suite, then the end-to-end suite (real Docker engine), and prints one
// plain summary line, `N passed, N failed`, from vitest's JSON reports.
//   node scripts/test.mjs            unit + e2e (e2e needs a Docker engine; on CI a missing one fails)
//   node scripts/test.mjs unit|e2e   one suite
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const which = process.argv[2] ?? 'all';
const suites = which === 'all' ? ['unit', 'e2e'] : [which];
mkdirSync('test-results', { recursive: true });

function dockerAnswers() {
  return spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

const t0 = Date.now();
let passed = 0;
let failed = 0;
let skipped = 0;
for (const suite of suites) {
  if (suite === 'e2e' && !dockerAnswers()) {
    if (process.env.CI) {
      console.error('e2e: no Docker engine answers, and CI needs one: run .ci/run, which installs it');
      failed += 1;
    } else {
      console.error('e2e: skipped, no Docker engine answers (`docker info` failed); .ci/run installs one');
    }
    continue;
  }
  const report = `test-results/${suite}.json`;
  rmSync(report, { force: true });
  const args = ['vitest', 'run', `test/${suite}`, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
  if (suite === 'e2e') args.push('--no-file-parallelism');
  spawnSync('npx', args, { stdio: 'inherit' });
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    // A file that fails to load fails no test: count it, but do not count a failing test twice.
    failed += r.numFailedTests > 0 ? r.numFailedTests : (r.numFailedTestSuites ?? 0);
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  } catch {
    console.error(`${suite}: vitest wrote no report`);
    failed += 1;
  }
}
console.log(`tests took ${Math.round((Date.now() - t0) / 1000)}s${skipped ? `, ${skipped} skipped` : ''}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
