/**
 * The doctor: load the project once, run every rule, return the findings in a stable order.
 * `checkProject` is the function the bench times.
 */
import { engineCheck, type EngineOptions } from './build.ts';
import { RULES } from './catalogue.ts';
import { loadProject, type LoadOptions } from './load.ts';
import { COMPOSE_RULES } from './rules/compose.ts';
import { DJANGO_RULES } from './rules/django.ts';
import { IMAGE_RULES } from './rules/image.ts';
import { LAYOUT_RULES } from './rules/layout.ts';
import { NETWORK_RULES } from './rules/network.ts';
import { PROCESS_RULES } from './rules/process.ts';
import { type Ctx, makeCtx } from './context/rule.ts';
import { applySuppressions, configIgnores, type Suppression } from './suppress.ts';
import { compareFindings, type Finding } from './types.ts';

type Check = (ctx: Ctx) => void | Promise<void>;

/** Every rule id in the catalogue has exactly one check (parse-error is reported while loading). */
export const CHECKS: ReadonlyMap<string, Check> = new Map<string, Check>(
  Object.entries({ ...IMAGE_RULES, ...LAYOUT_RULES, ...PROCESS_RULES, ...NETWORK_RULES, ...DJANGO_RULES, ...COMPOSE_RULES }),
);

export interface DoctorResult {
  findings: Finding[];
  /** Findings a comment or the config file suppresses: out of the text and the exit status, kept in JSON and SARIF. */
  suppressed: Array<Finding & { suppression: Suppression }>;
  /** Files the doctor read for its judgement (for the summary). */
  checked: string[];
  counts: { error: number; warning: number; info: number; suppressed: number };
  /** With --build: what ran on the engine, in one line. */
  engine?: string;
}

export type DoctorOptions = LoadOptions & {
  /** Home folder whose django-docker.config.json adds to the project's ignore list (tests pass their own). */
  home?: string;
  /** --build: confirm on the engine (build, start, import, check --deploy, healthcheck, GET /). */
  engine?: EngineOptions;
};

export async function checkProject(root: string, options: DoctorOptions = {}): Promise<DoctorResult> {
  const project = await loadProject(root, options);
  const findings: Finding[] = [...project.findings];
  const ctx = makeCtx(project, findings);
  for (const rule of RULES) {
    const check = CHECKS.get(rule.id);
    if (check) await check(ctx);
  }
  let engineSummary: string | undefined;
  if (options.engine) {
    const engine = await engineCheck(project, findings, options.engine);
    findings.push(...engine.findings);
    engineSummary = engine.summary;
  }
  // One finding per rule, file, line and message.
  const unique = new Map<string, Finding>();
  for (const f of findings) unique.set(`${f.file}\u0000${f.line}\u0000${f.rule}\u0000${f.message}`, f);
  const { kept, suppressed } = applySuppressions(
    [...unique.values()],
    (f) => project.files.text(f),
    configIgnores(root, ...(options.home !== undefined ? [options.home] : [])),
  );
  const sorted = kept.sort(compareFindings);
  const checked = [
    ...(project.dockerfile ? [project.dockerfile.path] : []),
    ...(project.compose?.files ?? []),
    ...(project.settings?.symbolic.files ?? []),
    ...(project.installed?.files ?? project.projectRequirements?.files ?? []),
    ...(project.command.script ? [project.command.script.file] : []),
    ...(project.dockerignore ? [project.dockerignore.file] : []),
  ];
  const counts = { error: 0, warning: 0, info: 0, suppressed: suppressed.length };
  for (const f of sorted) counts[f.severity]++;
  return {
    findings: sorted,
    suppressed: suppressed.sort(compareFindings),
    checked: [...new Set(checked)],
    counts,
    ...(engineSummary ? { engine: engineSummary } : {}),
  };
}
