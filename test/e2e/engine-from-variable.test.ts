// Settings that choose the engine from a variable (postgres / mysql or mariadb / else SQLite),
// with only psycopg in the requirements: PostgreSQL is generated, and the project's own reads
// in the PostgreSQL branch (DB_NAME, DB_USER, ...) are met by the container's values.
import { cannotRun } from './harness.ts';
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({
  scenario: 'engine-from-variable',
  port: 8000,
  database: 'postgres',
  rootStatus: 200,
  persistence: 'notes',
  skip: await cannotRun('engine-from-variable', { wheels: ['psycopg-binary>=3.2'] }),
});
