// A src/ layout with dependencies in pyproject.toml (requires-python >= 3.12), psycopg[binary],
// PostgreSQL. Runs where the images are at hand and pip in the base image finds a psycopg-binary
// wheel for its Python; elsewhere the checks are skipped and the title says why.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateScenario, missingImages, removeDir, wheelAvailable } from './harness.ts';
import { scenarioSuite } from './scenario-suite.ts';

const probe = await generateScenario('src-pyproject-postgres');
let skip: string | undefined;
try {
  const missing = await missingImages(probe.dir);
  const base = /^FROM\s+(\S+)/m.exec(readFileSync(join(probe.dir, 'Dockerfile'), 'utf8'))?.[1] ?? '';
  if (missing.length) skip = `image ${missing.join(', ')} is not on this machine and cannot be pulled`;
  else if (!(await wheelAvailable(base, 'psycopg-binary>=3.2')))
    skip = `pip in ${base} finds no psycopg-binary wheel for its Python in the package index it is configured with`;
} finally {
  removeDir(probe.root);
}

scenarioSuite({
  scenario: 'src-pyproject-postgres',
  port: 8000,
  database: 'postgres',
  rootStatus: 200,
  // INSTALLED_APPS has auth but no admin: data is checked with manage.py shell.
  admin: false,
  persistence: 'shell-user',
  skip,
});
