#!/usr/bin/env node
// npm run precision: runs the doctor over every fixture we have, good and broken, and prints how
// far its errors can be trusted. Numbers, not tests (the unit suite asserts each fixture).
//   good projects   test/doctor-fixtures/_base/*, every rule fixture's fixed/ variant, the
//                   real-shape fixtures in test/doctor-fixtures/_real/ without planted failures,
//                   and every generated scenario (input + expected/, .env made from .env.example)
//   broken projects every rule fixture's bad/ variant, the seed article's setups, and the
//                   real-shape fixtures with planted failures
// A false error is an error on a good project, or an error of a rule not planted in a broken one.
// A missed failure is a planted failure (rule, file, line) the doctor does not report as an error;
// a missed hazard is a planted warning or info it does not report at all.
//   node scripts/doctor-precision.mjs [--json] [--verbose]
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { copyScenarioInput, scenariosDir } from '../test/support/scenario-input.mjs';

const { values: args } = parseArgs({ options: { json: { type: 'boolean' }, verbose: { type: 'boolean' } } });
const repo = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(repo, 'test', 'doctor-fixtures');
const { checkProject } = await import(pathToFileURL(join(repo, 'generators', 'doctor', 'doctor.js')).href);
const { RULE_BY_ID } = await import(pathToFileURL(join(repo, 'generators', 'doctor', 'catalogue.js')).href);
/** A planted finding is a failure (expected as an error) unless its rule or the fixture says it is a hazard. */
const expected = (p) => p.severity ?? RULE_BY_ID.get(p.rule)?.severity ?? 'error';
const work = mkdtempSync(join(tmpdir(), 'dd-precision-'));

const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));
const dirs = (d) =>
  existsSync(d)
    ? readdirSync(d, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];

let n = 0;
function fresh(name) {
  const dir = join(work, `${String(n++).padStart(3, '0')}-${name.replace(/[^\w.-]/g, '_')}`, 'project');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Lay a base project and overlays into a fresh folder. */
function lay(name, layers, remove = []) {
  const dir = fresh(name);
  for (const l of layers) if (l && existsSync(l)) cpSync(l, dir, { recursive: true });
  for (const f of remove) rmSync(join(dir, f), { recursive: true, force: true });
  return dir;
}

/** @type {Array<{group: string, name: string, dir: string, planted: Array<{rule: string, file?: string, line?: number}>}>} */
const cases = [];

for (const b of dirs(join(fixtures, '_base')))
  cases.push({ group: 'base projects', name: b, dir: join(fixtures, '_base', b), planted: [] });

for (const rule of dirs(fixtures).filter((d) => !d.startsWith('_'))) {
  const specFile = join(fixtures, rule, 'fixture.json');
  if (!existsSync(specFile)) continue;
  const spec = readJson(specFile);
  const base = spec.base ? join(fixtures, '_base', spec.base) : undefined;
  const planted = [...spec.bad.map((w) => ({ rule, ...w })), ...(spec.also ?? [])];
  cases.push({
    group: 'rule fixtures, bad',
    name: rule,
    dir: lay(`${rule}-bad`, [base, join(fixtures, rule, 'bad')], spec.delete?.bad),
    planted,
  });
  cases.push({
    group: 'rule fixtures, fixed',
    name: rule,
    dir: lay(`${rule}-fixed`, [base, join(fixtures, rule, 'fixed')], spec.delete?.fixed),
    planted: [],
  });
}

const seedPlanted = existsSync(join(fixtures, '_seed', 'planted.json')) ? readJson(join(fixtures, '_seed', 'planted.json')) : {};
for (const s of dirs(join(fixtures, '_seed')))
  cases.push({ group: 'seed article setups', name: s, dir: join(fixtures, '_seed', s), planted: seedPlanted[s] ?? [] });

for (const r of dirs(join(fixtures, '_real'))) {
  const spec = readJson(join(fixtures, '_real', r, 'fixture.json'));
  const planted = spec.planted ?? [];
  // Base first, then its files the fixture removes, then the fixture's own files.
  const dir = lay(`real-${r}`, spec.base ? [join(fixtures, '_base', spec.base)] : [], spec.delete);
  cpSync(join(fixtures, '_real', r, 'project'), dir, { recursive: true });
  cases.push({
    group: planted.length ? 'real shapes, broken' : 'real shapes, good',
    name: r,
    dir: spec.check ? join(dir, spec.check) : dir,
    planted,
  });
}

for (const s of dirs(scenariosDir).filter((d) => existsSync(join(scenariosDir, d, 'answers.json')))) {
  const dir = fresh(`scenario-${s}`);
  copyScenarioInput(join(scenariosDir, s), dir);
  cpSync(join(scenariosDir, s, 'expected'), dir, { recursive: true });
  // The generator writes .env from .env.example with fresh secrets; stand in for it.
  const example = join(dir, '.env.example');
  if (existsSync(example) && !existsSync(join(dir, '.env')))
    writeFileSync(
      join(dir, '.env'),
      readFileSync(example, 'utf8').replace(/^([A-Z][A-Z0-9_]*)=\s*$/gm, (_m, k) => `${k}=precision-${k.toLowerCase()}-value-0123456789`),
    );
  cases.push({ group: 'generated scenarios', name: s, dir, planted: [] });
}

// ---------------------------------------------------------------- run

const groups = new Map();
const falseErrors = [];
const missed = [];
const times = [];
for (const c of cases) {
  const t0 = process.hrtime.bigint();
  const result = await checkProject(c.dir, { today: '2026-06-01' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  times.push(ms);
  const errors = result.findings.filter((f) => f.severity === 'error');
  const plantedRules = new Set(c.planted.map((p) => p.rule));
  const wrong = errors.filter((f) => !plantedRules.has(f.rule));
  const at = (p, f) => f.rule === p.rule && (p.file === undefined || f.file === p.file) && (p.line === undefined || f.line === p.line);
  const failures = c.planted.filter((p) => expected(p) === 'error');
  const hazards = c.planted.filter((p) => expected(p) !== 'error');
  const notFound = failures.filter((p) => !errors.some((f) => at(p, f)));
  const hazardsMissed = hazards.filter((p) => !result.findings.some((f) => at(p, f)));
  const g = groups.get(c.group) ?? { projects: 0, planted: 0, hazards: 0, errors: 0, falseErrors: 0, missed: 0, hazardsMissed: 0, ms: [] };
  g.projects++;
  g.planted += failures.length;
  g.hazards += hazards.length;
  g.errors += errors.length;
  g.falseErrors += wrong.length;
  g.missed += notFound.length;
  g.hazardsMissed += hazardsMissed.length;
  g.ms.push(ms);
  groups.set(c.group, g);
  for (const f of wrong) falseErrors.push(`${c.group} ${c.name}: ${f.file}:${f.line} ${f.rule}: ${f.message}`);
  for (const p of notFound) missed.push(`${c.group} ${c.name}: ${p.rule}${p.file ? ` ${p.file}:${p.line ?? ''}` : ''}`);
  for (const p of hazardsMissed)
    missed.push(`${c.group} ${c.name}: ${p.rule}${p.file ? ` ${p.file}:${p.line ?? ''}` : ''} (a ${expected(p)})`);
}
rmSync(work, { recursive: true, force: true });

const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const total = { projects: cases.length, planted: 0, hazards: 0, errors: 0, falseErrors: 0, missed: 0, hazardsMissed: 0 };
for (const g of groups.values()) for (const k of Object.keys(total).slice(1)) total[k] += g[k];

if (args.json) {
  console.log(
    JSON.stringify(
      {
        groups: Object.fromEntries([...groups].map(([k, g]) => [k, { ...g, ms: undefined, medianMs: pct(g.ms, 0.5) }])),
        total,
        time: { medianMs: pct(times, 0.5), p90Ms: pct(times, 0.9), maxMs: Math.max(...times), meanMs: sum(times) / times.length },
        falseErrors,
        missed,
      },
      null,
      2,
    ),
  );
} else {
  const rows = [['projects', 'n', 'planted failures', 'errors', 'false errors', 'failures missed', 'hazards missed', 'median ms']];
  const row = (k, g, ms) => [k, g.projects, g.planted, g.errors, g.falseErrors, g.missed, `${g.hazardsMissed}/${g.hazards}`, ms.toFixed(0)];
  for (const [k, g] of groups) rows.push(row(k, g, pct(g.ms, 0.5)));
  rows.push(row('all', total, pct(times, 0.5)));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((v, i) => (i === 0 ? String(v).padEnd(widths[i]) : String(v).padStart(widths[i]))).join('  '));
  const trueErrors = total.errors - total.falseErrors;
  console.log(
    `\nerrors that were right: ${trueErrors} of ${total.errors} (${total.errors ? ((100 * trueErrors) / total.errors).toFixed(1) : '100.0'}%); planted failures found as errors: ${total.planted - total.missed} of ${total.planted}`,
  );
  console.log(
    `time per project: median ${pct(times, 0.5).toFixed(0)} ms, p90 ${pct(times, 0.9).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (${cases.length} projects, ${(sum(times) / 1000).toFixed(1)} s)`,
  );
  if (args.verbose || falseErrors.length + missed.length <= 40) {
    if (falseErrors.length) console.log(`\nfalse errors:\n  ${falseErrors.join('\n  ')}`);
    if (missed.length) console.log(`\nmissed:\n  ${missed.join('\n  ')}`);
  } else console.log('\n(--verbose lists each false error and missed failure)');
}
