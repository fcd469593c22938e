// Settings split over config/django/*.py (base, production) and config/settings/*.py fragments
// star-imported by base; production requires SECRET_KEY; the fragments read their providers'
// variables only in branches that are off by default.
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({ scenario: 'settings-split-config', port: 8000, database: 'sqlite', rootStatus: 200, persistence: 'notes' });
