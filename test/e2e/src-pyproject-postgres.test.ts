// A src/ layout with dependencies in pyproject.toml (requires-python >= 3.12), psycopg[binary],
// PostgreSQL. Runs where the images are at hand and pip in the base image finds a psycopg-binary
// wheel for its Python; elsewhere the checks are skipped and the title says why.
import { cannotRun } from './harness.ts';
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({
  scenario: 'src-pyproject-postgres',
  port: 8000,
  database: 'postgres',
  rootStatus: 200,
  // INSTALLED_APPS has auth but no admin: data is checked with manage.py shell.
  admin: false,
  persistence: 'shell-user',
  skip: await cannotRun('src-pyproject-postgres', { wheels: ['psycopg-binary>=3.2'] }),
});
