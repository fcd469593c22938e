// A startproject layout with a `notes` app, PostgreSQL, Python 3.11 on bookworm.
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({ scenario: 'startproject-postgres', port: 8000, database: 'postgres', rootStatus: 200, persistence: 'notes' });
