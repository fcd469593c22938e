// A plain `django-admin startproject` with no requirements file: the generator writes one with
// the Django the settings' header names (~=5.2.4, so 5.2.17 from the index) plus the server and
// WhiteNoise; SQLite, Python 3.13 on trixie. No view at /, so it is probed on the admin login.
import { expect } from 'vitest';
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({
  scenario: 'startproject-no-requirements',
  port: 8000,
  database: 'sqlite',
  rootStatus: 404,
  persistence: 'admin-login',
  extraChecks: [
    {
      name: 'the image has the Django line the settings header names (5.2), installed from the generated requirements.txt',
      async run(stack) {
        const r = await stack.exec(['python', '-c', 'import django; print("DJANGO", django.get_version())']);
        expect(r.stdout).toMatch(/^DJANGO 5\.2\.\d+$/m);
      },
    },
  ],
});
