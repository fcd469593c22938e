/**
 * What the settings evaluation cannot see, read from the settings files' syntax trees: names
 * that come from somewhere the doctor does not follow (a star import of an outside module,
 * django-split-settings' include(), globals() or exec), and .env files the settings load
 * themselves (django-environ's read_env, python-dotenv's load_dotenv, decouple's config, which
 * reads .env from the working directory). Rules that would report a setting as missing, or a
 * variable as unset, only report an error when neither applies.
 */
import type { Node } from 'web-tree-sitter';
import { named, pythonParser, stringValue } from '../project/python.ts';
import type { Where } from './types.ts';

export interface SettingsFacts {
  /** Names may be set where the doctor cannot see them. */
  open?: Where & { why: string };
  /** The settings read variables from a file themselves. */
  dotenv?: Where & { how: string; path?: string };
}

const OPENING_CALLS = new Map([
  ['include', 'django-split-settings include()'],
  ['optional', 'django-split-settings include()'],
  ['globals', 'globals()'],
  ['exec', 'exec()'],
  ['execfile', 'execfile()'],
  ['setattr', 'setattr()'],
  ['vars', 'vars()'],
  ['locals', 'locals()'],
]);

const DOTENV_CALLS = /(^|\.)(read_env|load_dotenv|dotenv_values|read_dotenv|load_env|AutoConfig|RepositoryEnv)$/;

/** Scan the files the settings evaluation went through. `inProject(module)` says whether a module is project code. */
export async function settingsFacts(
  files: Array<{ file: string; text: string | undefined }>,
  inProject: (module: string, from: string) => boolean,
): Promise<SettingsFacts> {
  const out: SettingsFacts = {};
  const parser = await pythonParser();
  for (const { file, text } of files) {
    if (text === undefined) continue;
    const tree = parser.parse(text);
    if (!tree) continue;
    const stack: Node[] = [tree.rootNode];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const line = node.startPosition.row + 1;
      if (node.type === 'import_from_statement' && named(node).some((c) => c.type === 'wildcard_import')) {
        const module = node.childForFieldName('module_name')?.text ?? '';
        if (!inProject(module, file)) out.open ??= { file, line, why: `from ${module} import * (a module outside the project)` };
      } else if (node.type === 'import_from_statement' || node.type === 'import_statement') {
        const module = node.childForFieldName('module_name')?.text ?? named(node)[0]?.text ?? '';
        if (/^decouple\b/.test(module)) out.dotenv ??= { file, line, how: 'python-decouple' };
        if (/^split_settings\b/.test(module)) out.open ??= { file, line, why: 'django-split-settings' };
      } else if (node.type === 'call') {
        const callee = node.childForFieldName('function')?.text ?? '';
        const base = callee.split('.').pop() ?? '';
        const opening = OPENING_CALLS.get(base);
        if (opening && (callee === base || base === 'include')) out.open ??= { file, line, why: opening };
        if (DOTENV_CALLS.test(callee)) {
          const args = node.childForFieldName('arguments');
          const first = args ? named(args).find((a) => a.type !== 'keyword_argument') : undefined;
          const path = first ? stringValue(first) : undefined;
          out.dotenv ??= { file, line, how: `${callee}()`, ...(path ? { path } : {}) };
        }
      }
      for (const child of node.namedChildren) if (child) stack.push(child);
    }
    tree.delete();
  }
  return out;
}
