// Empty folder, PostgreSQL, --comments false: the files without their explanations must work
// exactly as the commented ones.
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({ scenario: 'no-comments', port: 8000, database: 'postgres', rootStatus: 200, persistence: 'admin-login' });
