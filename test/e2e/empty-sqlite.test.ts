// Empty folder → new Django project with SQLite on Python 3.13 (the defaults).
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({ scenario: 'empty-sqlite', port: 8000, database: 'sqlite', rootStatus: 200, persistence: 'admin-login' });
