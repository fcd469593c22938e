// MySQL 8.4 on the engine: the MariaDB settings-package project (mysqlclient 1.4.6, Python 3.11)
// with --database mysql. Runs where a mysql:8.4 image is here or can be pulled; on machines
// without one (no registry, no stand-in) the checks are skipped and the title says so. MySQL is
// then checked as files only: its golden transition, the transition matrix (invariants and the
// doctor over every switch to and from MySQL) and the golden proofs in the unit suite.
import { cannotRun } from './harness.ts';
import { scenarioSuite } from './scenario-suite.ts';

const extraAnswers = { database: 'mysql', 'db-version': '8.4' };
const skip = await cannotRun('settings-package-mariadb', { extra: extraAnswers });

scenarioSuite({
  scenario: 'settings-package-mariadb',
  extraAnswers,
  port: 8000,
  uid: 10001,
  database: 'mysql',
  rootStatus: 404,
  persistence: 'admin-login',
  ...(skip ? { skip: `${skip}; MySQL is checked as files here (golden transition, transition matrix, golden proofs)` } : {}),
});
