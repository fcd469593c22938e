/**
 * The settings as the container sees them, shared by the rules: a setting's value and where it
 * came from, the database Django uses and its host, and what a .env the settings load holds.
 */
import { posix } from 'node:path';
import type { Loaded } from '../load.ts';
import type { Where } from '../types.ts';
import type { Ctx } from './rule.ts';
import { type Binding, dictGet, strOf, type Val } from '../../project/python-eval.ts';
import { parseDotEnv } from '../../project/dotenv.ts';
import { engineUsesNetwork } from '../../facts/databases.ts';

export function setting(p: Loaded, name: string, mode: 'concrete' | 'symbolic' = 'concrete'): Binding | undefined {
  const s = p.settings;
  if (!s || !s.file) return undefined;
  return (mode === 'concrete' ? s.concrete : s.symbolic).names.get(name);
}

export function settingsLoaded(p: Loaded): boolean {
  return Boolean(p.settings?.file) && (p.settings?.symbolic.errors.length ?? 0) === 0;
}

export function strings(v: Val | undefined): { items: string[]; open: boolean } | undefined {
  if (v?.k !== 'list') return undefined;
  const items = v.items.flatMap((i) => (i.k === 'str' ? [i.v] : []));
  return { items, open: Boolean(v.open) || items.length !== v.items.length };
}

export function databaseDefault(p: Loaded): { value: Val; binding: Binding } | undefined {
  const b = setting(p, 'DATABASES');
  const d = dictGet(b?.value, 'default');
  return b && d ? { value: d, binding: b } : undefined;
}

export function engineOf(p: Loaded): string | undefined {
  return strOf(dictGet(databaseDefault(p)?.value, 'ENGINE'));
}

export function where(b: Binding): Where {
  return { file: b.file, line: b.line };
}

/** Where a concrete settings value came from: the compose/Dockerfile line that set its variable, else the settings line. */
export function originOf(p: Loaded, name: string, sub?: string[]): Where | undefined {
  const sym = setting(p, name, 'symbolic');
  const con = setting(p, name, 'concrete');
  if (!sym || !con) return con ? where(con) : undefined;
  let v: Val | undefined = sym.value;
  for (const k of sub ?? []) {
    if (v?.k === 'env') break;
    v = dictGet(v, k);
  }
  if (v?.k === 'env') {
    const w = p.runtimeEnvWhere.get(v.name);
    if (w && p.runtimeEnv.has(v.name)) return w;
  }
  return where(sym);
}

/**
 * Variables the settings get from a .env file they load themselves (django-environ's read_env,
 * load_dotenv, decouple): the file's names when the image has it, 'unknown' when the settings
 * load a file the doctor cannot find or read, undefined when they load none.
 */
export function settingsDotenv(ctx: Ctx): Set<string> | 'unknown' | undefined {
  const p = ctx.p;
  const d = p.settings?.facts.dotenv;
  if (!d) return undefined;
  // decouple and read_env look next to the settings and up from there; load_dotenv from the working directory up.
  const root = p.settings?.imageRoot ?? p.workdir.path;
  const settingsDir = p.settings?.file
    ? posix.join(root, posix.dirname(posix.relative(p.settings.sourceDir === '.' ? '' : p.settings.sourceDir, p.settings.file)))
    : root;
  const dirs = new Set<string>();
  for (const start of [settingsDir, p.workdir.path])
    for (let d = start; ; d = posix.dirname(d)) {
      dirs.add(d);
      if (d === '/' || d === '.') break;
    }
  const names = new Set<string>();
  let found = false;
  for (const dir of dirs) {
    const imagePath = d.path && posix.isAbsolute(d.path) ? d.path : posix.join(dir, d.path ?? '.env');
    const file = p.layout?.contextFile(imagePath);
    const text = file ? p.files.text(file) : undefined;
    if (text === undefined) continue;
    found = true;
    for (const e of parseDotEnv(text).entries) names.add(e.name);
  }
  if (found) return names;
  // A bind mount may bring the host's .env (kept out of git, so not in this checkout).
  const mounted = [...dirs].some((dir) =>
    (p.app?.volumes ?? []).some((m) => m.type === 'bind' && (dir === m.target || dir.startsWith(`${m.target}/`))),
  );
  return mounted ? 'unknown' : undefined;
}

/** The database host the app uses, and where it comes from. */
export function dbHost(ctx: Ctx): { host: string; where: { file: string; line: number } } | undefined {
  const d = databaseDefault(ctx.p);
  const engine = engineOf(ctx.p);
  if (!d || !engine || !engineUsesNetwork(engine)) return undefined;
  const host = dictGet(d.value, 'HOST');
  if (host && host.k !== 'str' && host.k !== 'none') return undefined;
  const where = originOf(ctx.p, 'DATABASES', ['default', 'HOST']) ?? { file: d.binding.file, line: d.binding.line };
  return { host: host?.k === 'str' ? host.v : '', where };
}
