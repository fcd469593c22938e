// environs reads without a default (SECRET_KEY, a JSON FEATURE_FLAGS, DATABASE_URL through
// env.dj_db_url): compose requires them from .env or builds the database URL from the DB_*
// values, and the build's collectstatic gets throwaway values shaped for each ({} for JSON, a
// postgres:// URL). Built with environs because the local index has no django-environ; the
// django-environ shape itself is checked as files (test/unit/project-shapes.test.ts).
import { cannotRun } from './harness.ts';
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({
  scenario: 'env-environs-dburl',
  port: 8000,
  database: 'postgres',
  rootStatus: 200,
  persistence: 'notes',
  skip: await cannotRun('env-environs-dburl', { wheels: ['psycopg-binary>=3.2', 'environs==15.2.0', 'dj-database-url==3.1.2'] }),
});
