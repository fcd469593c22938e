/**
 * The Python a project names for itself: `.python-version` (pyenv, uv, asdf's python plugin)
 * or `runtime.txt` (Heroku-style platforms). Read to choose the image's default Python, so the
 * container runs the interpreter the project is developed and deployed on.
 */
import type { ProjectFiles } from './files.ts';

export interface PythonPin {
  /** major.minor, such as 3.12 */
  version: string;
  /** The file that named it, relative to the project root. */
  file: string;
  /** The text as written (3.12.4, python-3.12.4). */
  written: string;
}

/** `3.12`, `3.12.4`, `cpython-3.12.4`, `python-3.12.4`; not `system`, `pypy3.10` or a virtualenv name. */
function minorOf(text: string): string | undefined {
  const m = /^(?:c?python-?)?(3\.\d+)(?:\.\d+)?(?:[a-z]+\d*)?$/i.exec(text.trim());
  return m?.[1];
}

export function readPythonPin(files: ProjectFiles): PythonPin | undefined {
  for (const file of ['.python-version', 'runtime.txt']) {
    const text = files.text(file);
    if (text === undefined) continue;
    // pyenv allows several versions, one a line; the first is the one it runs. Comments start with #.
    const first = text
      .split(/\r?\n/)
      .map((l) => l.replace(/#.*$/, '').trim())
      .find(Boolean);
    const version = first ? minorOf(first) : undefined;
    if (first && version) return { version, file, written: first };
  }
  return undefined;
}
