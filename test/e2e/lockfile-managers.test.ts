// Projects locked with Poetry, uv and Pipenv: the builder installs the tool, then the locked
// packages. They run where pip in the base image can install the tool (and, for Pipenv +
// MariaDB, where the MariaDB image can be had); elsewhere the checks are skipped with the reason.
import { cannotRun } from './harness.ts';
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({
  scenario: 'poetry-sqlite',
  port: 8000,
  database: 'sqlite',
  rootStatus: 200,
  persistence: 'notes',
  skip: await cannotRun('poetry-sqlite'),
});
scenarioSuite({
  scenario: 'uv-postgres',
  port: 8000,
  database: 'postgres',
  rootStatus: 200,
  persistence: 'notes',
  skip: await cannotRun('uv-postgres'),
});
scenarioSuite({
  scenario: 'pipenv-mariadb',
  port: 8000,
  database: 'mariadb',
  // The project routes only admin/, so / is Django's 404.
  rootStatus: 404,
  persistence: 'admin-login',
  skip: await cannotRun('pipenv-mariadb'),
});
