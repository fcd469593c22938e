// A settings package (config/settings/{base,local,production}.py) with nested requirements files,
// on MariaDB 11.8. The first suite pins mysqlclient==1.4.6 (the release Debian bookworm ships) on
// Python 3.11 and runs wherever mariadb:11.8 is at hand; the second asks for mysqlclient>=2.2.1 on
// Python 3.13 and runs where the package index has such a release. Elsewhere a suite's checks are
// skipped and the title says why (never a pass without a database). MySQL itself has no image
// here: mysql-files.test.ts says so, and the unit suite checks its files.
import { cannotRun } from './harness.ts';
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({
  scenario: 'settings-package-mariadb',
  port: 8000,
  uid: 10001,
  database: 'mariadb',
  // The project routes only admin/, so / is Django's 404.
  rootStatus: 404,
  persistence: 'admin-login',
  skip: await cannotRun('settings-package-mariadb'),
});

scenarioSuite({
  scenario: 'settings-package-mysql',
  port: 8000,
  database: 'mariadb',
  rootStatus: 404,
  persistence: 'admin-login',
  skip: await cannotRun('settings-package-mysql', { releases: ['mysqlclient>=2.2.1'] }),
});
