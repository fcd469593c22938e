// A project that already had a naive Dockerfile (python:3.9-slim-buster, runserver), overwritten
// with --force; SQLite, and the notes app writes rows through HTTP.
import { scenarioSuite } from './scenario-suite.ts';

scenarioSuite({ scenario: 'existing-dockerfile', port: 8000, database: 'sqlite', rootStatus: 200, persistence: 'notes' });
