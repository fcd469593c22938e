// A src/ layout whose manage.py and wsgi.py name the settings module with an f-string on
// DJANGO_ENV (default "development"), and a settings package whose __init__.py star-imports base
// and branches on DJANGO_ENV: the container module is src/config/settings/container.py on top of
// the production module, and DJANGO_SETTINGS_MODULE names config.settings.container.
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({ scenario: 'settings-fstring-src', port: 8000, database: 'sqlite', rootStatus: 200, persistence: 'notes' });
