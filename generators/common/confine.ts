/**
 * Confinement: every path the generator writes, or copies into the image, must stay inside the
 * project once symbolic links are followed. A link in the project that points elsewhere (a
 * `Dockerfile` → `/etc/…`, a `.django-docker` → another folder) is refused in one line, and an
 * output file that is itself a link is never written through.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { UsageError } from './errors.ts';

/** The project folder with every link resolved. */
export function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch (err) {
    throw new UsageError(`cannot open ${root}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Is `abs` (already resolved) the root itself or below it? */
export function isInside(realRootDir: string, abs: string): boolean {
  const rel = relative(realRootDir, abs);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** A project-relative path as given (config, flag): no absolute paths, no `..` out of the project. */
export function checkRelative(rel: string, what: string): string {
  const norm = normalize(rel);
  if (isAbsolute(rel) || norm === '..' || norm.startsWith(`..${sep}`)) {
    throw new UsageError(`${what} ${rel} is outside the project: give a path inside the project folder, relative to it`);
  }
  return norm;
}

export interface PathInfo {
  /** Absolute path, links in its folders resolved. */
  real: string;
  /** What is at the path itself (not followed): absent, a file, a folder, a link or something else. */
  kind: 'absent' | 'file' | 'dir' | 'link' | 'other';
  /** Folders between the project and the path that do not exist yet, outermost first. */
  missingDirs: string[];
}

/**
 * Where a project-relative path really is: each folder on the way is followed (links inside the
 * project are fine), and the result must stay in the project. The last part is not followed.
 */
export function locateInside(root: string, rel: string, what: string): PathInfo {
  const real = realRoot(root);
  const parts = checkRelative(rel, what)
    .split(sep)
    .filter((p) => p !== '' && p !== '.');
  let dir = real;
  const missingDirs: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const next = join(dir, parts[i]!);
    if (missingDirs.length > 0) {
      if (last) return { real: next, kind: 'absent', missingDirs };
      missingDirs.push(next);
      dir = next;
      continue;
    }
    let st;
    try {
      st = lstatSync(next, { throwIfNoEntry: false });
    } catch (err) {
      throw new UsageError(`cannot look at ${parts.slice(0, i + 1).join('/')}: ${(err as Error).message.split('\n')[0]}`);
    }
    if (last) {
      const kind = !st ? 'absent' : st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
      return { real: next, kind, missingDirs };
    }
    if (!st) {
      missingDirs.push(next);
      dir = next;
      continue;
    }
    let target = next;
    if (st.isSymbolicLink()) {
      try {
        target = realpathSync(next);
      } catch {
        throw new UsageError(
          `${parts.slice(0, i + 1).join('/')} is a symbolic link to nothing: remove it or point it at a folder in the project`,
        );
      }
      if (!isInside(real, target)) {
        throw new UsageError(
          `${parts.slice(0, i + 1).join('/')} is a symbolic link to ${target}, outside the project: the generator writes only inside the project; replace the link with a folder`,
        );
      }
      st = lstatSync(target);
    }
    if (!st.isDirectory()) {
      throw new UsageError(`${parts.slice(0, i + 1).join('/')} is not a folder, but ${rel} needs it to be one: move it away`);
    }
    dir = target;
  }
  return { real, kind: 'dir', missingDirs };
}

/** An input the image copies or the run executes (a CA certificate, a template folder): must resolve inside the project. */
export function existingInside(root: string, rel: string, what: string, expect: 'file' | 'dir'): string {
  const real = realRoot(root);
  const norm = checkRelative(rel, what);
  let target: string;
  try {
    target = realpathSync(join(real, norm));
  } catch {
    throw new UsageError(`${what} ${rel} does not exist in the project: give a path relative to the project folder`);
  }
  if (!isInside(real, target)) {
    throw new UsageError(
      `${what} ${rel} leads to ${target}, outside the project: give a ${expect === 'file' ? 'file' : 'folder'} inside the project`,
    );
  }
  const st = lstatSync(target);
  if (expect === 'file' ? !st.isFile() : !st.isDirectory()) {
    throw new UsageError(`${what} ${rel} is not a ${expect === 'file' ? 'regular file' : 'folder'}: give one`);
  }
  return target;
}
