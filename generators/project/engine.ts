/**
 * Which database the project uses, from every engine its settings can select (each branch of
 * an `if` on an environment value, a URL read from the environment, an ENGINE read with a
 * default) and the drivers its requirements already have: the engine whose driver is there
 * wins. With none or several, the default is what the settings select when nothing is set, and
 * a one-line note says what was found, for `--yes` to print and a prompt to show.
 */
import { DATABASE_TABLE, DATABASES, type Database, databaseFromEngine, DEFAULT_DATABASE, DRIVER_ENGINES } from '../facts/databases.ts';
import { UsageError } from '../common/errors.ts';
import type { ProjectSettings } from './loader.ts';
import { type Condition, databaseUrl, dictGet, strOf, type Val, valuesOf } from './python-eval.ts';
import type { Requirement, RequirementSet } from './requirements.ts';

export interface EngineCandidate {
  database: Database;
  /** How the settings select it: `ENGINE in config/settings.py line 12`, `when DB == "postgres"`. */
  how: string;
}

export interface DetectedDatabase {
  value: Database;
  file: string;
  line: number;
  /** Every engine the settings can select; `open` when an environment value may name any engine. */
  candidates: EngineCandidate[];
  open: boolean;
  /** Several engines fit (or none has its driver): an interactive run asks. */
  ambiguous: boolean;
  /** One line saying what was found and what was taken, when the choice was not certain or is not what the settings use when nothing is set. */
  note?: string;
}

const label = (database: Database): string => DATABASE_TABLE[database].label;

/** The distributions that serve as an engine's driver. */
function driverDistributions(database: Database): readonly string[] {
  const row = DATABASE_TABLE[database];
  return row.kind === 'server' ? row.driverDistributions : [];
}

/** The driver requirement for an engine, if the project lists one. */
function driverOf(database: Database, requirements: readonly Requirement[]): Requirement | undefined {
  const names = driverDistributions(database);
  return requirements.find((r) => names.includes(r.name));
}

/** The databases, as --database names them. */
const WITH_DATABASE = DATABASES.filter((db) => DATABASE_TABLE[db].kind !== 'none');
const SUPPORTED = `${WITH_DATABASE.slice(0, -1).join(', ')} and ${WITH_DATABASE.at(-1)}`;

function engineOf(text: string, where: { file: string; line: number }): Database {
  const value = databaseFromEngine(text);
  if (value === 'unsupported') throw new UsageError(`${where.file} line ${where.line} uses ${text}: supported databases are ${SUPPORTED}`);
  return value;
}

/** The engines one value of DATABASES selects; `open` when the environment names it. */
function enginesOf(value: Val, where: { file: string; line: number }): { engines: Database[]; open: boolean } {
  const d = dictGet(value, 'default');
  if (!d) return { engines: [], open: value.k !== 'dict' || Boolean(value.open) };
  // DATABASES = {"default": env.db()}: the URL names the engine; its default URL names one.
  if (d.k === 'env') {
    const fallback = d.default ? strOf(dictGet(databaseUrl(d.default), 'ENGINE')) : undefined;
    return { engines: fallback ? [engineOf(fallback, where)] : [], open: true };
  }
  const engine = dictGet(d, 'ENGINE');
  if (engine?.k === 'str') return { engines: [engineOf(engine.v, where)], open: false };
  if (engine?.k === 'env') {
    const fallback = strOf(engine.default);
    return { engines: fallback ? [engineOf(fallback, where)] : [], open: true };
  }
  return { engines: [], open: d.k !== 'dict' || engine === undefined ? true : engine.k !== 'none' };
}

function conditionText(when: readonly Condition[]): string {
  return when.map((c) => `${c.holds ? '' : 'not '}${c.text}`).join(' and ');
}

/**
 * The database the project uses, or undefined when neither the settings nor the requirements
 * say anything about one.
 */
export function detectDatabase(settings: ProjectSettings, requirements: RequirementSet | undefined): DetectedDatabase | undefined {
  const reqs = requirements?.requirements ?? [];
  const binding = settings.symbolic.names.get('DATABASES');
  const where = binding ? { file: binding.file, line: binding.line } : undefined;
  const candidates: EngineCandidate[] = [];
  // No DATABASES we can see: it may come from where the reader cannot look.
  let open = !binding;
  if (binding && where) {
    for (const v of valuesOf(binding)) {
      const found = enginesOf(v.value, where);
      open ||= found.open;
      for (const database of found.engines) {
        if (candidates.some((c) => c.database === database)) continue;
        candidates.push({
          database,
          how:
            v.when.length > 0
              ? `when ${conditionText(v.when)}`
              : found.open
                ? `by default (${where.file} line ${where.line})`
                : `${where.file} line ${where.line}`,
        });
      }
    }
  }
  // One entry per driver set: a MariaDB candidate is served by MySQL's drivers.
  const sameDrivers = (a: Database, b: Database): boolean => a === b || driverDistributions(a) === driverDistributions(b);
  const withDriver = DRIVER_ENGINES.filter((db) => open || candidates.some((c) => sameDrivers(c.database, db)))
    .map((db) => ({ db, req: driverOf(db, reqs) }))
    .filter((x): x is { db: Database; req: Requirement } => x.req !== undefined);

  // One engine and nothing that could name another: that is it.
  if (!open && candidates.length === 1) return { value: candidates[0]!.database, ...where!, candidates, open, ambiguous: false };
  // What the settings select when nothing is set.
  const unsetDefault = (): Database | undefined => {
    const unset = strOf(dictGet(dictGet(settings.evaluate(new Map()).names.get('DATABASES')?.value, 'default'), 'ENGINE'));
    return unset && databaseFromEngine(unset) !== 'unsupported' ? (databaseFromEngine(unset) as Database) : undefined;
  };
  if (withDriver.length === 1) {
    const { db, req } = withDriver[0]!;
    // Not what the project runs on with nothing set (SQLite, say): the summary says why.
    const byDefault = unsetDefault();
    const note =
      byDefault && !sameDrivers(byDefault, db)
        ? `the settings use ${label(byDefault)} when nothing is set, and the requirements have ${req.name} (${req.file} line ${req.line}): took ${label(db)}; --database chooses another`
        : undefined;
    return { value: db, file: req.file, line: req.line, candidates, open, ambiguous: false, ...(note ? { note } : {}) };
  }
  if (!binding && withDriver.length === 0) return undefined;

  // None or several: what the settings select when nothing is set, else the first with a driver, else SQLite.
  const byDefault = unsetDefault();
  const value =
    withDriver.length > 1
      ? (withDriver.find((x) => x.db === byDefault)?.db ?? withDriver[0]!.db)
      : (byDefault ??
        (candidates.some((c) => c.database === DEFAULT_DATABASE) || open
          ? DEFAULT_DATABASE
          : (candidates[0]?.database ?? DEFAULT_DATABASE)));
  const names = [...new Set([...candidates.map((c) => c.database), ...withDriver.map((x) => x.db)])].map(label);
  const found = open
    ? `the settings take the engine from the environment${names.length ? ` (${names.join(', ')} named)` : ''}`
    : `the settings can use ${names.join(', ').replace(/, ([^,]*)$/, ' or $1')}`;
  const drivers =
    withDriver.length > 1
      ? `the requirements have drivers for ${withDriver.map((x) => `${label(x.db)} (${x.req.name})`).join(' and ')}`
      : 'the requirements have no database driver';
  const why =
    value === byDefault ? 'what they use when nothing is set' : withDriver.length > 1 ? 'the first with a driver' : 'no server needed';
  return {
    value,
    file: where?.file ?? withDriver[0]?.req.file ?? settings.file,
    line: where?.line ?? withDriver[0]?.req.line ?? 1,
    candidates,
    open,
    ambiguous: true,
    note: `${found}, and ${drivers}: took ${label(value)} (${why}); --database chooses another`,
  };
}
