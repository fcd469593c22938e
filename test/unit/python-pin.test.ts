/** The project's own .python-version, runtime.txt and requires-python decide the default Python. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerWarnings, defaultAnswers, finaliseAnswers } from '../../generators/generate/answers.ts';
import { detect } from '../../generators/project/detect.ts';
import { copyScenarioInput, scenariosDir } from '../support/scenarios.ts';

async function projectWith(files: Record<string, string>, remove: string[] = []) {
  const dir = join(mkdtempSync(join(tmpdir(), 'dd-pin-')), 'proj');
  copyScenarioInput(join(scenariosDir, 'startproject-postgres'), dir);
  for (const name of remove) rmSync(join(dir, name));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return detect(dir);
}

describe('default Python from the project', () => {
  it('without a pin: 3.13, the newest the Django 5.2 pin and the table agree on', async () => {
    expect(defaultAnswers(await projectWith({})).python).toBe('3.13');
  });

  it('.python-version 3.12.4 (pyenv, uv) makes 3.12 the default', async () => {
    const detected = await projectWith({ '.python-version': '3.12.4\n' });
    expect(detected.kind === 'existing' && detected.pythonPin).toMatchObject({ version: '3.12', file: '.python-version' });
    expect(defaultAnswers(detected).python).toBe('3.12');
  });

  it('runtime.txt python-3.11.9 (Heroku-style) makes 3.11 the default; .python-version wins over it', async () => {
    expect(defaultAnswers(await projectWith({ 'runtime.txt': 'python-3.11.9\n' })).python).toBe('3.11');
    expect(defaultAnswers(await projectWith({ 'runtime.txt': 'python-3.11.9\n', '.python-version': '3.12\n' })).python).toBe('3.12');
  });

  it('requires-python still bounds it: a pin outside requires-python is not taken', async () => {
    const detected = await projectWith(
      {
        '.python-version': '3.11\n',
        'pyproject.toml':
          '[project]\nname = "mysite"\nversion = "1"\nrequires-python = ">=3.12"\ndependencies = ["Django==5.2.17", "psycopg==3.3.6"]\n',
      },
      ['requirements.txt'],
    );
    expect(detected.kind === 'existing' && detected.requiresPython).toBe('>=3.12');
    expect(defaultAnswers(detected).python).not.toBe('3.11');
  });

  it('a pin the generator does not offer (3.9) keeps the usual default and warns; an explicit --python that differs warns', async () => {
    const old = await projectWith({ '.python-version': '3.9.18\n' });
    const answers = finaliseAnswers(old, {});
    expect(answers.python).toBe('3.13');
    expect(answerWarnings(old, answers, '2026-11-30').join('\n')).toMatch(
      /the image runs Python 3\.13, but \.python-version names 3\.9\.18, which this generator does not offer/,
    );
    const pinned = await projectWith({ '.python-version': '3.12\n' });
    const chosen = finaliseAnswers(pinned, { python: '3.13' });
    expect(answerWarnings(pinned, chosen, '2026-11-30').join('\n')).toMatch(/but \.python-version names 3\.12/);
    expect(answerWarnings(pinned, finaliseAnswers(pinned, {}), '2026-11-30').join('\n')).not.toMatch(/python-version/);
  });

  it('system, pypy and virtualenv names are not versions', async () => {
    for (const text of ['system\n', 'pypy3.10\n', 'myenv\n', '# comment only\n']) {
      const detected = await projectWith({ '.python-version': text });
      expect(detected.kind === 'existing' && detected.pythonPin, text).toBeFalsy();
    }
  });
});
