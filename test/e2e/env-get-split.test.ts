// os.environ.get("SITE_HOSTS").split(" ") with no default: None has no .split, so import fails
// without the variable. The build's collectstatic gets a throwaway value, compose requires it,
// and the generated .env holds a placeholder that lets the container start.
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({ scenario: 'env-get-split', port: 8000, database: 'sqlite', rootStatus: 200, persistence: 'notes' });
