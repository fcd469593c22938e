#!/usr/bin/env node
// Runs the checks (prettier, eslint), the unit suite, then the end-to-end suite (real Docker
// engine), and prints one plain summary line, `N passed, N failed`: each check counts as one
// test, the suites count their tests from vitest's JSON reports. After the unit suite, the
// README's count of hostile-input cases is checked against it (one more test).
//   node scripts/test.mjs            checks + unit + e2e (e2e needs a Docker engine; on CI a missing one fails)
//   node scripts/test.mjs unit|e2e|checks   one part
// With DJANGO_DOCKER_EXTRA_NODE set to another Node binary (.ci/run installs Node 24 there), the
// unit suite runs a second time on it, and that run counts in the summary too.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

const which = process.argv[2] ?? 'all';
const parts = which === 'all' ? ['checks', 'unit', 'e2e'] : [which];
mkdirSync('test-results', { recursive: true });

function dockerAnswers() {
  return spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

const t0 = Date.now();
let passed = 0;
let failed = 0;
let skipped = 0;

/** One check: passes when the command exits 0. */
function check(name, command, args) {
  console.log(`\n${name}: ${command} ${args.join(' ')}`);
  const ok = spawnSync(command, args, { stdio: 'inherit' }).status === 0;
  console.log(`${name}: ${ok ? 'passed' : 'failed'}`);
  if (ok) passed += 1;
  else failed += 1;
}

/** A vitest run, counted from its JSON report; `node` is the binary that runs it. */
function suite(name, dir, node = process.execPath) {
  const report = `test-results/${name}.json`;
  rmSync(report, { force: true });
  const args = ['node_modules/vitest/vitest.mjs', 'run', dir, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
  if (dir === 'test/e2e') args.push('--no-file-parallelism');
  // Child processes the tests start (the built CLI) run on the same Node.
  const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH}` };
  spawnSync(node, args, { stdio: 'inherit', env });
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    // A file that fails to load fails no test: count it, but do not count a failing test twice.
    failed += r.numFailedTests > 0 ? r.numFailedTests : (r.numFailedTestSuites ?? 0);
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  } catch {
    console.error(`${name}: vitest wrote no report`);
    failed += 1;
  }
}

/** The README states how many cases the hostile-input suite has: one check that the number is true. */
function readmeHostileCount(report) {
  const claimed = /\(`test\/unit\/hostile\/`, (\d+) cases/.exec(readFileSync('README.md', 'utf8'))?.[1];
  let actual;
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    actual = r.testResults.filter((f) => f.name.includes('/test/unit/hostile/')).reduce((n, f) => n + f.assertionResults.length, 0);
  } catch {
    actual = undefined;
  }
  const ok = claimed !== undefined && Number(claimed) === actual;
  console.log(
    `\nREADME's count of hostile-input cases: ${claimed ?? 'not found'}, the suite has ${actual ?? 'no report'}: ${ok ? 'passed' : 'failed'}`,
  );
  if (ok) passed += 1;
  else failed += 1;
}

for (const part of parts) {
  if (part === 'checks') {
    check('prettier', 'npm', ['run', '--silent', 'format:check']);
    check('eslint', 'npm', ['run', '--silent', 'lint']);
  } else if (part === 'unit') {
    suite('unit', 'test/unit');
    readmeHostileCount('test-results/unit.json');
    const extra = process.env.DJANGO_DOCKER_EXTRA_NODE;
    if (extra) {
      const version = spawnSync(extra, ['--version'], { encoding: 'utf8' }).stdout?.trim();
      if (!version) {
        console.error(`unit: DJANGO_DOCKER_EXTRA_NODE=${extra} does not run`);
        failed += 1;
      } else {
        console.log(`\nunit suite again on Node ${version}`);
        suite(`unit-node${version.replace(/^v/, '').split('.')[0]}`, 'test/unit', extra);
      }
    }
  } else if (part === 'e2e') {
    if (!dockerAnswers()) {
      if (process.env.CI) {
        console.error('e2e: no Docker engine answers, and CI needs one: run .ci/run, which installs it');
        failed += 1;
      } else {
        console.error('e2e: skipped, no Docker engine answers (`docker info` failed); .ci/run installs one');
      }
      continue;
    }
    suite('e2e', 'test/e2e');
  } else {
    console.error(`unknown part ${part}: use unit, e2e or checks`);
    failed += 1;
  }
}
console.log(`tests took ${Math.round((Date.now() - t0) / 1000)}s${skipped ? `, ${skipped} skipped` : ''}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
