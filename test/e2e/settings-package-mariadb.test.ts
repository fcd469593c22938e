// A settings package (config/settings/{base,local,production}.py) with nested requirements files;
// the answers pick MariaDB. Runs where the MariaDB image is present or can be pulled; elsewhere
// every check is skipped and the title says why (never a pass without a database).
import { cannotRun } from './harness.ts';
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({
  scenario: 'settings-package-mysql',
  port: 8000,
  database: 'mariadb',
  // The project routes only admin/, so / is Django's 404.
  rootStatus: 404,
  persistence: 'admin-login',
  skip: await cannotRun('settings-package-mysql'),
});
