/**
 * Facts about the images a Dockerfile builds, shared by the rules: the base image's Python and
 * Debian release, what each stage has installed, where the virtualenv is.
 */
import { posix } from 'node:path';
import type { Loaded } from '../load.ts';
import { allInstalls, type DockerfileModel, lineage, type Stage } from '../parse/dockerfile-model.ts';
import { DEBIAN_RELEASES, debianRelease, DEFAULT_DEBIAN, NEWEST_PYTHON } from '../../facts/versions.ts';

export interface ImageFacts {
  stage: Stage;
  /** The stage whose FROM names a real image. */
  root: Stage;
  imageName: string;
  tag: string;
  isPython: boolean;
  /** X.Y, when the tag names it (or assumed for floating tags). */
  python?: string;
  pythonAssumed: boolean;
  codename?: string;
  codenameAssumed: boolean;
  variant: 'slim' | 'alpine' | 'full' | 'distroless' | 'other';
  os: 'debian' | 'ubuntu' | 'alpine' | 'other';
}

export function imageFacts(model: DockerfileModel, stage: Stage): ImageFacts {
  const root = lineage(model, stage)[0]!;
  const tag = root.tag ?? 'latest';
  const name = root.imageName;
  const isPython = name === 'python';
  const m = /^(\d+)\.(\d+)/.exec(tag);
  const codename = DEBIAN_RELEASES.find((d) => tag.includes(d.codename))?.codename;
  const alpine = /alpine/.test(tag) || name === 'alpine';
  const distroless = /distroless/.test(name);
  const variant: ImageFacts['variant'] = alpine
    ? 'alpine'
    : distroless
      ? 'distroless'
      : /slim/.test(tag)
        ? 'slim'
        : isPython
          ? 'full'
          : 'other';
  const os: ImageFacts['os'] = alpine ? 'alpine' : name === 'ubuntu' ? 'ubuntu' : isPython || name === 'debian' ? 'debian' : 'other';
  const facts: ImageFacts = {
    stage,
    root,
    imageName: name,
    tag,
    isPython,
    pythonAssumed: false,
    codenameAssumed: false,
    variant,
    os,
  };
  if (isPython) {
    if (m) facts.python = `${m[1]}.${m[2]}`;
    else {
      facts.python = NEWEST_PYTHON;
      facts.pythonAssumed = true;
    }
  }
  if (codename) facts.codename = codename;
  else if (os === 'debian' && !alpine) {
    // `debian:12` names its release by number; any other tag without a codename means today's stable.
    const byNumber = name === 'debian' && /^\d+/.test(tag) ? debianRelease(tag.split(/[.-]/)[0]!) : undefined;
    facts.codename = byNumber?.codename ?? DEFAULT_DEBIAN;
    facts.codenameAssumed = true;
  }
  return facts;
}

/** Packages the official full `python:X.Y` (buildpack-deps) image already has. */
const FULL_PYTHON_HAS = new Set([
  'gcc',
  'g++',
  'make',
  'build-essential',
  'libc6-dev',
  'libpq-dev',
  'libpq5',
  'default-libmysqlclient-dev',
  'libmariadb-dev',
  'libmariadb3',
  'pkg-config',
  'pkgconf',
  'libjpeg-dev',
  'zlib1g-dev',
  'libpng-dev',
  'libffi-dev',
  'libssl-dev',
  'libxml2-dev',
  'libxslt-dev',
  'curl',
  'wget',
  'git',
  'bash',
]);

/** Names installed by apt/apk in a stage's lineage, plus what its base image has. */
export function packagesOf(model: DockerfileModel, stage: Stage): Set<string> {
  const facts = imageFacts(model, stage);
  const set = new Set(allInstalls(model, stage).map((p) => p.name));
  if (facts.variant === 'full') for (const p of FULL_PYTHON_HAS) set.add(p);
  if (facts.os === 'alpine') set.add('wget'); // busybox
  if (facts.os !== 'other' || facts.isPython) set.add('sh');
  if (facts.os === 'debian' || facts.os === 'ubuntu') set.add('bash');
  // -dev packages pull in their runtime libraries.
  if (set.has('libpq-dev')) set.add('libpq5');
  if (set.has('default-libmysqlclient-dev') || set.has('libmariadb-dev') || set.has('libmariadb-dev-compat')) set.add('libmariadb3');
  if (set.has('build-essential')) for (const p of ['gcc', 'g++', 'make', 'libc6-dev']) set.add(p);
  if (set.has('build-base')) for (const p of ['gcc', 'g++', 'make', 'musl-dev']) set.add(p);
  if (set.has('pkgconf')) set.add('pkg-config');
  if (set.has('postgresql-dev') || set.has('libpq-dev')) set.add('libpq');
  return set;
}

/**
 * Whether `packagesOf` is the whole story for a stage: the base image is one whose contents are
 * known, no install names an unresolved build variable, and nothing is copied in from another image.
 */
export function packagesKnown(model: DockerfileModel, stage: Stage): { known: boolean; why?: string } {
  const facts = imageFacts(model, stage);
  const stageNames = new Set(model.stages.flatMap((s) => [s.name?.toLowerCase(), String(s.index)]));
  const lin = lineage(model, stage);
  if (!facts.isPython && !['debian', 'ubuntu', 'alpine'].includes(facts.imageName) && facts.variant !== 'distroless')
    return { known: false, why: `the doctor does not know what ${facts.root.image} contains` };
  if (lin.some((s) => s.openInstalls))
    return { known: false, why: 'an install in the Dockerfile names a build variable the doctor cannot resolve' };
  const foreign = lin.flatMap((s) => s.copies).find((c) => c.from !== undefined && !stageNames.has(c.from.toLowerCase()));
  if (foreign) return { known: false, why: `files are copied in from ${foreign.from} (line ${foreign.line})` };
  return { known: true };
}

export function hasAny(set: Set<string>, names: string[]): boolean {
  return names.some((n) => set.has(n));
}

export const COMPILERS = ['gcc', 'build-essential', 'build-base', 'clang', 'g++', 'cc'];

export function imageVenv(p: Loaded): string | undefined {
  const venv = p.runtimeEnv.get('VIRTUAL_ENV');
  if (venv) return posix.normalize(venv);
  const first = (p.runtimeEnv.get('PATH') ?? '').split(':')[0] ?? '';
  if (/\/bin$/.test(first) && /venv|virtualenv/.test(first)) return posix.dirname(first);
  return undefined;
}
