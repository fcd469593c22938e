/**
 * dependencies: what the image needs beyond the project's own dependency list, and the
 * requirement shapes pip treats specially (hash-checked files, local paths, version-control URLs).
 * Each is either provided for in the builder or refused with one line that says what to do.
 */
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { UsageError } from '../common/errors.ts';
import type { Detected } from '../project/detect.ts';
import { hasDistribution, type RequirementSet, VCS_TOOLS } from '../project/requirements.ts';
import { DEFAULT_DJANGO, PINS } from '../facts/versions.ts';

export interface DjangoAddition {
  /** The line added to the requirements. */
  requirement: string;
  /** Its version spec, for the compatibility gate. */
  spec: string;
  /** Shown in the summary. */
  why: string;
  /** Distributions other than Django that meet the need (they bring Django with them). */
  metBy: string[];
}

/** Distributions that bring Django with them at a version of their choosing. */
const BRINGS_DJANGO = ['wagtail'];

/**
 * Django, when nothing in the project installs it (a plain `django-admin startproject` has no
 * requirements file): the version startproject names in the settings' header, within its line so
 * security releases still arrive, or the default LTS with a note.
 */
export function djangoToAdd(detected: Detected): DjangoAddition | undefined {
  if (detected.kind !== 'existing') return undefined;
  const reqs = detected.requirements;
  if (reqs && reqs.format !== 'requirements' && reqs.format !== 'pyproject') return undefined; // a lock manager's list is checked apart
  if (reqs && ['django', ...BRINGS_DJANGO].some((name) => hasDistribution(reqs, name))) return undefined;
  const header = detected.djangoFromHeader;
  if (header) {
    const [major, minor, patch = '0'] = header.version.split('.');
    const version = `${major}.${minor}.${patch}`;
    return {
      requirement: `Django~=${version}`,
      spec: `~=${version}`,
      why: `Django~=${version}: the version ${header.file} says the project was made with (~= takes that line's security releases)`,
      metBy: BRINGS_DJANGO,
    };
  }
  const requirement = PINS.django[DEFAULT_DJANGO];
  return {
    requirement,
    spec: requirement.slice('Django'.length),
    why: `${requirement}: nothing names Django's version (no pin, no startproject header), so the LTS; change the pin if the project needs another`,
    metBy: BRINGS_DJANGO,
  };
}

export interface BuilderNeeds {
  /** Debian packages of the version-control tools pip runs (builder stage only). */
  vcsPackages: string[];
  vcsWhy: string;
  /** Local paths pip installs from (`-e .`, `./pkg`): the project is copied into the builder first. */
  localPaths: string[];
  localWhy: string;
}

/** What the builder needs for the special lines: the VCS tool for `git+…` URLs, the project's folder for `-e .`. */
export function builderNeeds(reqs: RequirementSet | undefined): BuilderNeeds {
  const special = reqs?.special;
  const tools = [...new Set((special?.vcs ?? []).map((v) => v.tool))].sort();
  const vcsPackages = tools.map((t) => VCS_TOOLS[t]);
  const vcs = special?.vcs[0];
  const local = special?.localPaths[0];
  return {
    vcsPackages,
    vcsWhy: vcs
      ? `pip clones the ${tools.join(' and ')} URLs of ${vcs.file} (line ${vcs.line}) with ${vcsPackages.join(' and ')} (vcs-tool-missing)`
      : '',
    localPaths: [...new Set((special?.localPaths ?? []).map((p) => p.target))],
    localWhy: local
      ? `${local.file} line ${local.line} installs ${local.target} from the project's own files (requirement-path-missing)`
      : '',
  };
}

/** The companion pip-compile input of a requirements file (requirements.txt → requirements.in). */
function inputFileFor(entry: string): string {
  return posix.join(posix.dirname(entry), `${posix.basename(entry, '.txt')}.in`);
}

/**
 * Refusals for requirement shapes the image cannot satisfy, each one line saying what to do:
 * - a hash-checked file (`--hash=`) puts pip in --require-hashes mode, where an appended line
 *   without hashes stops every install, and the generator cannot know what a package index serves;
 * - a local path outside the project cannot be copied into the image, and one that holds no
 *   Python project cannot be installed;
 * - an editable install records its path in the virtualenv, which the final image honours only
 *   when its code folder is the build context's root.
 */
export function checkDependencies(detected: Detected, additions: readonly string[], sourceDir: string): void {
  if (detected.kind !== 'existing') return;
  const reqs = detected.requirements;
  const hashed = reqs?.special?.hashed[0];
  if (reqs && hashed && additions.length > 0) {
    const input = inputFileFor(reqs.entry);
    const how = existsSync(join(detected.root, input))
      ? `add ${additions.join(', ')} to ${input} and run pip-compile --generate-hashes ${input}`
      : `add ${additions.join(', ')} to it with their hashes (pip-compile --generate-hashes, or pip hash on the downloaded files)`;
    throw new UsageError(
      `${hashed.file} pins with --hash (line ${hashed.line}), so pip refuses any line without one: ${how}, then run again`,
    );
  }
  for (const p of reqs?.special?.localPaths ?? []) {
    if (p.target.startsWith('/') || p.target === '..' || p.target.startsWith('../')) {
      throw new UsageError(
        `${p.file} line ${p.line} installs ${p.target}, outside the project: the image cannot copy it; install it from a package index or a git URL instead`,
      );
    }
    const abs = join(detected.root, p.target);
    const isProject = ['pyproject.toml', 'setup.py', 'setup.cfg'].some((f) => existsSync(join(abs, f)));
    if (!isProject && !/\.(whl|zip|tar\.gz|tgz)$/.test(p.target)) {
      throw new UsageError(
        `${p.file} line ${p.line} installs ${p.target}, which has no pyproject.toml or setup.py: pip cannot install it; remove the line or add the project's packaging`,
      );
    }
    if (p.editable && sourceDir !== '.') {
      throw new UsageError(
        `${p.file} line ${p.line} installs ${p.target} in editable mode (-e), but the image keeps only ${sourceDir}/ as its code, so the editable link would point at files the final image lacks: drop the -e`,
      );
    }
  }
}
