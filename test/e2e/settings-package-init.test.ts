// Settings kept in a package's __init__.py (mysite/settings/__init__.py): the container module
// is mysite/settings/container.py and DJANGO_SETTINGS_MODULE names mysite.settings.container.
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({ scenario: 'settings-package-init', port: 8000, database: 'sqlite', rootStatus: 200, persistence: 'notes' });
