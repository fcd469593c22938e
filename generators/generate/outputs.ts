/**
 * Every file the generator may write, one row each: where it lands, the template that lays it
 * out, when it is written, who owns it and how a re-run merges it, the one-line summary the run
 * prints, and where it appears in the docs (the reference page, README.Docker.md's list). Render,
 * the docs page, the detection of a folder holding only generated files and README.Docker.md all
 * read this table: adding a file is its template and its row.
 */
import type { Plan } from './plan.ts';

/**
 * How a file is written, and merged when the project already has one:
 * - `add`: written as is (the new project's own files);
 * - `own`: laid out whole; its last version is kept in .django-docker/base/, and a re-run merges
 *   the user's edits three ways;
 * - `merge-ignore`: the user's ignore-style file keeps every line; missing patterns go below a marked line;
 * - `merge-requirements`: the packages the container needs, merged by package into the user's list;
 * - `merge-compose`: ours, or the project's own compose file with our services merged in;
 * - `merge-env-example`: ours, or the project's own with what compose reads below a marker;
 * - `gitignore`: written when absent; an existing one only gets the lines that keep `.env` out;
 * - `state`: the generator's memory of what it manages.
 */
export type Strategy =
  'add' | 'own' | 'merge-ignore' | 'merge-requirements' | 'merge-compose' | 'merge-env-example' | 'gitignore' | 'state';

export interface OutputRow {
  /** Where it lands: fixed, or decided by the plan (the settings module, the compose file). */
  path: string | ((plan: Plan) => string);
  /** Other names the file may have in a project (a compose file's four spellings). */
  aliases?: readonly string[];
  /** Under templates/app/. */
  template?: string;
  /** Written only when this holds. */
  when?: (plan: Plan) => boolean;
  strategy: Strategy;
  mode?: number;
  /** What the run's summary says about it. */
  summary: (plan: Plan) => string;
  /** Shown on the reference page (`django-docker docs`) at this position, as this language. */
  docs?: { position: number; language: string };
  /** Its item under "What each file does" in README.Docker.md, at this position; undefined leaves it out. */
  readme?: { position: number; about: (plan: Plan) => string | undefined };
}

const newProject = (plan: Plan): boolean => plan.project.isNew;
const kubernetes = (plan: Plan): boolean => Boolean(plan.kubernetes);
const mergedRequirements = (plan: Plan): boolean =>
  !plan.project.isNew && (plan.requirements.format === 'requirements' || plan.requirements.format === 'pyproject');

const NEW_PROJECT_MODULES = ['__init__', 'settings', 'urls', 'views', 'wsgi', 'asgi'];

export const OUTPUTS: readonly OutputRow[] = [
  {
    path: 'manage.py',
    template: 'new-project/manage.py.ejs',
    when: newProject,
    strategy: 'add',
    mode: 0o755,
    summary: () => 'Django management script of the new project',
  },
  ...NEW_PROJECT_MODULES.map((name): OutputRow => ({
    path: (plan) => `${plan.project.package}/${name}.py`,
    template: `new-project/${name}.py.ejs`,
    when: newProject,
    strategy: 'add',
    summary: () => `new project: ${name}.py`,
  })),
  {
    path: 'requirements.txt',
    template: 'requirements.txt.ejs',
    when: newProject,
    strategy: 'add',
    summary: (plan) => `pinned packages: ${plan.requirements.additions.map((a) => a.split(/[=~]/)[0]).join(', ')}`,
    docs: { position: 7, language: 'text' },
  },
  {
    // The project's own list; README.Docker.md names it whichever way the image installs it.
    path: (plan) => plan.requirements.entry,
    when: mergedRequirements,
    strategy: 'merge-requirements',
    summary: () => 'your lines are kept',
    readme: {
      position: 7,
      about: (plan) =>
        `\`${plan.requirements.entry}\`: the packages the image installs; the container itself needs ${plan.requirements.needs.join(', ')}.`,
    },
  },
  {
    path: '.django-docker/state.json',
    strategy: 'state',
    summary: () => 'the requirement lines the generator manages, so a re-run can change them',
    readme: {
      position: 8,
      about: (plan) =>
        `\`.django-docker/\`: what the generator remembers between runs; commit it, so whoever runs it next merges against the same base. \`base/\` holds the last generated version of the files it lays out whole (\`Dockerfile\`, \`compose.yaml\`, the container settings, \`.env.example\`${plan.migrateOnStart ? ', the entrypoint' : ''}${plan.dev ? `, \`${plan.dev.file}\`` : ''}${plan.kubernetes ? `, the manifests in \`${plan.kubernetes.folder}/\`` : ''} and this file): a re-run merges its changes with your edits three ways. \`state.json\` lists the lines the generator added to your requirements${plan.requirements.format === 'requirements' || plan.requirements.format === 'pyproject' ? ` (\`${plan.requirements.entry}\`)` : ''}: a re-run changes only those. Without it, a re-run cannot tell your edits from its own and asks before replacing each file.`,
    },
  },
  {
    path: 'Dockerfile',
    template: 'Dockerfile.ejs',
    strategy: 'own',
    summary: (plan) => `two-stage image on ${plan.image.base}, user ${plan.user.name} (${plan.user.uid}), port ${plan.port}`,
    docs: { position: 1, language: 'dockerfile' },
    readme: {
      position: 1,
      about: (plan) =>
        `\`Dockerfile\`: two stages. A builder installs the packages into a virtualenv at \`${plan.paths.venv}\`; the final image on \`${plan.image.base}\` gets the virtualenv, the code at \`${plan.paths.appDir}\` and static files collected at build time, and runs \`${plan.server.kind}\` as user \`${plan.user.name}\` (uid ${plan.user.uid}).`,
    },
  },
  {
    path: '.dockerignore',
    template: 'dockerignore.ejs',
    strategy: 'merge-ignore',
    summary: () => 'keeps .git, venvs, .env and local data out of the image',
    docs: { position: 6, language: 'gitignore' },
    readme: {
      position: 6,
      about: () => '`.dockerignore`: keeps `.git`, virtualenvs, `.env`, local databases and media out of the image.',
    },
  },
  {
    path: (plan) => plan.compose.file,
    aliases: ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'],
    template: 'compose.yaml.ejs',
    strategy: 'merge-compose',
    summary: (plan) =>
      `${plan.compose.web}${plan.database.service ? ` + ${plan.database.service.name} (${plan.database.service.image})` : ''}, port ${plan.port}`,
    docs: { position: 2, language: 'yaml' },
    readme: {
      position: 2,
      about: (plan) =>
        `\`${plan.compose.file}\`: the \`${plan.compose.web}\` service${plan.database.service ? ` and the \`${plan.database.service.name}\` service (${plan.database.label} ${plan.answers.dbVersion}), which \`${plan.compose.web}\` waits for until its healthcheck passes` : ''}. Named volumes keep data across \`docker compose down\`.`,
    },
  },
  {
    path: (plan) => plan.project.settingsFile,
    template: 'settings_container.py.ejs',
    strategy: 'own',
    summary: (plan) => `container settings, imports ${plan.project.baseSettingsModule}`,
    docs: { position: 3, language: 'python' },
    readme: {
      position: 4,
      about: (plan) =>
        `\`${plan.project.settingsFile}\`: the container's settings. It imports \`${plan.project.baseSettingsModule}\` and takes secrets, hosts, database, static files and logging from the environment.`,
    },
  },
  {
    path: '.env.example',
    template: 'env.example.ejs',
    strategy: 'merge-env-example',
    summary: () => 'every variable compose reads, with safe defaults',
    docs: { position: 5, language: 'sh' },
    readme: {
      position: 3,
      about: () =>
        '`.env.example`: every variable compose reads, with safe defaults. `.env` holds the real values and is kept out of git and the image.',
    },
  },
  {
    path: 'docker-entrypoint.sh',
    template: 'docker-entrypoint.sh.ejs',
    when: (plan) => plan.migrateOnStart,
    strategy: 'own',
    mode: 0o755,
    summary: () => 'applies migrations, then execs the server',
    docs: { position: 4, language: 'sh' },
    readme: {
      position: 5,
      about: (plan) =>
        plan.migrateOnStart
          ? '`docker-entrypoint.sh`: applies migrations, then starts the server with `exec` so it receives stop signals. Set `DJANGO_MIGRATE=0` to skip.'
          : undefined,
    },
  },
  {
    path: '.gitattributes',
    template: 'gitattributes.ejs',
    when: (plan) => plan.migrateOnStart,
    strategy: 'merge-ignore',
    summary: () => 'keeps LF endings on the entrypoint',
  },
  { path: '.gitignore', template: 'gitignore.ejs', strategy: 'gitignore', summary: () => 'keeps .env out of git' },
  {
    path: 'compose.dev.yaml',
    template: 'compose.dev.yaml.ejs',
    when: (plan) => Boolean(plan.dev),
    strategy: 'own',
    summary: (plan) => `development server on the mounted code: docker compose -f ${plan.compose.file} -f ${plan.dev!.file} up`,
    docs: { position: 8, language: 'yaml' },
  },
  {
    path: 'k8s/kustomization.yaml',
    template: 'k8s/kustomization.yaml.ejs',
    when: kubernetes,
    strategy: 'own',
    summary: () => 'Kubernetes: kubectl apply -k k8s/ (ConfigMap here, Secret from k8s/.env)',
    docs: { position: 9, language: 'yaml' },
  },
  {
    path: 'k8s/web.yaml',
    template: 'k8s/web.yaml.ejs',
    when: kubernetes,
    strategy: 'own',
    summary: (plan) =>
      `Deployment (${plan.kubernetes!.replicas} replicas, uid ${plan.user.uid}, read-only root) and Service on port ${plan.port}`,
    docs: { position: 10, language: 'yaml' },
  },
  {
    path: 'k8s/migrate-job.yaml',
    template: 'k8s/migrate-job.yaml.ejs',
    when: (plan) => Boolean(plan.kubernetes?.migrate),
    strategy: 'own',
    summary: () => 'a Job that migrates once per release; the web pods do not',
    docs: { position: 11, language: 'yaml' },
  },
  {
    path: 'k8s/storage.yaml',
    template: 'k8s/storage.yaml.ejs',
    when: (plan) => Boolean(plan.kubernetes?.resources.includes('storage.yaml')),
    strategy: 'own',
    summary: (plan) => `claims for ${plan.volumes.map((v) => v.name).join(', ')}`,
    docs: { position: 12, language: 'yaml' },
  },
  {
    path: 'k8s/database.yaml',
    template: 'k8s/database.yaml.ejs',
    when: (plan) => Boolean(plan.kubernetes?.database),
    strategy: 'own',
    summary: (plan) => `${plan.database.label} StatefulSet for development clusters`,
    docs: { position: 13, language: 'yaml' },
  },
  {
    path: 'README.Docker.md',
    template: 'README.Docker.md.ejs',
    strategy: 'own',
    summary: () => 'how to run, what each file does, how to change an answer',
  },
];

export function outputPath(row: OutputRow, plan: Plan): string {
  return typeof row.path === 'function' ? row.path(plan) : row.path;
}

/** The rows this plan writes, in the order the run lists them. */
export function outputsFor(plan: Plan): OutputRow[] {
  return OUTPUTS.filter((row) => !row.when || row.when(plan));
}

/** README.Docker.md's "What each file does", in its order. */
export function fileNotes(plan: Plan): string[] {
  return OUTPUTS.flatMap((row) => (row.readme ? [{ position: row.readme.position, about: row.readme.about(plan) }] : []))
    .filter((n): n is { position: number; about: string } => n.about !== undefined)
    .sort((a, b) => a.position - b.position)
    .map((n) => n.about);
}

/** The files the reference page shows, in its order, with their language. */
export function documentedFiles(plan: Plan): Array<{ path: string; language: string }> {
  return outputsFor(plan)
    .flatMap((row) => (row.docs ? [{ path: outputPath(row, plan), ...row.docs }] : []))
    .sort((a, b) => a.position - b.position)
    .map(({ path, language }) => ({ path, language }));
}

/**
 * Names a file of the container setup can have at the project's root, whatever the answers: a
 * folder holding only these (and neutral files) has no project yet. A new project's own files
 * (`add`) are not among them.
 */
export const GENERATED_NAMES: ReadonlySet<string> = new Set(
  OUTPUTS.filter((row) => row.strategy !== 'add').flatMap((row) => [
    ...(typeof row.path === 'string' && !row.path.includes('/') ? [row.path] : []),
    ...(row.aliases ?? []),
  ]),
);
