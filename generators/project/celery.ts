/**
 * Celery in a project: the `celery` distribution in the requirements and the module that makes
 * the Celery app (`Celery(...)`, as Celery's Django guide lays it out in `<project>/celery.py`).
 * The worker and beat services are started with `celery -A <that module>`.
 */
import { posix } from 'node:path';
import type { ProjectFiles } from './files.ts';
import { literalCalls } from './python.ts';
import type { RequirementSet } from './requirements.ts';

export interface DetectedCelery {
  /** Dotted module that creates the Celery app, relative to the source folder (`proj.celery`). */
  appModule: string;
  file: string;
  /** django-celery-beat is installed: beat keeps its schedule in the database. */
  beat: boolean;
}

/**
 * `sourceDir` is the folder on the import path ('.' or 'src'). Undefined when Celery is not a
 * requirement or no module makes the app.
 */
export async function detectCelery(
  files: ProjectFiles,
  sourceDir: string,
  requirements: RequirementSet | undefined,
): Promise<DetectedCelery | undefined> {
  const names = new Set(requirements?.requirements.map((r) => r.name) ?? []);
  if (!names.has('celery')) return undefined;
  const prefix = sourceDir === '.' ? '' : `${sourceDir}/`;
  // The usual homes first: <pkg>/celery.py, then <pkg>/celery_app.py, then any other module.
  const candidates = files
    .all()
    .filter((f) => f.startsWith(prefix) && f.endsWith('.py') && !/(^|\/)(tests?|migrations)\//.test(f))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const file of candidates) {
    const text = files.text(file) ?? '';
    if (!text.includes('Celery(')) continue;
    let calls;
    try {
      calls = await literalCalls(text);
    } catch {
      continue; // a module that does not parse makes no app
    }
    if (!calls.some((c) => c.callee === 'Celery' || c.callee.endsWith('.Celery'))) continue;
    const rel = file.slice(prefix.length).replace(/\.py$/, '');
    const appModule = (posix.basename(rel) === '__init__' ? posix.dirname(rel) : rel).split('/').join('.');
    return { appModule, file, beat: names.has('django-celery-beat') };
  }
  return undefined;
}

function rank(file: string): number {
  const base = posix.basename(file);
  return base === 'celery.py' ? 0 : base === 'celery_app.py' ? 1 : 2;
}
