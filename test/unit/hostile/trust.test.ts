/**
 * Templates are code: those that come with a project run only when the user says so, and even
 * then within a time limit. Inputs the image copies (the CA certificate) and template folders
 * must lie inside the project.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLine, expectRefused, projectFrom, runBin, scratch, snapshot } from './support.ts';

/** The bundled entrypoint template with one extra line: what an organisation's override looks like. */
function entrypointOverride(extra: string): string {
  const bundled = readFileSync(new URL('../../../templates/app/docker-entrypoint.sh.ejs', import.meta.url), 'utf8');
  return bundled.replace(/\n/, `\n${extra}\n`);
}

function projectWithTemplates(extra: string, config = true): { dir: string; marker: string } {
  const dir = projectFrom('startproject-postgres');
  const marker = join(scratch(), 'template-ran');
  mkdirSync(join(dir, 'docker-templates'));
  writeFileSync(join(dir, 'docker-templates', 'docker-entrypoint.sh.ejs'), entrypointOverride(extra.replace('MARKER', marker)));
  if (config) writeFileSync(join(dir, 'django-docker.config.json'), '{ "templates": "docker-templates" }\n');
  return { dir, marker };
}

const RUNS_CODE = `<% process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify('MARKER')}, 'ran') %>`;
const REFUSED =
  /the templates in docker-templates come with the project and templates are code \(EJS runs JavaScript as you\): pass --trust-project-templates if you trust this project, or set "trustProjectTemplates": true in ~\/django-docker\.config\.json$/;

describe('templates that come with the project', () => {
  it('named by the project config: not run without consent, one line names the flag', () => {
    const { dir, marker } = projectWithTemplates(RUNS_CODE);
    expectRefused(dir, ['--yes'], REFUSED);
    expect(existsSync(marker)).toBe(false);
  });

  it('named by a flag: not run without consent either', () => {
    const { dir, marker } = projectWithTemplates(RUNS_CODE, false);
    expectRefused(dir, ['--yes', '--templates', 'docker-templates'], REFUSED);
    expect(existsSync(marker)).toBe(false);
  });

  it('named in the saved answers of a cloned project (.yo-rc.json): not run without consent', () => {
    const { dir, marker } = projectWithTemplates(RUNS_CODE, false);
    writeFileSync(
      join(dir, '.yo-rc.json'),
      JSON.stringify({ 'generator-django-docker': { organisation: { templates: 'docker-templates' } } }),
    );
    expectRefused(dir, ['--yes'], REFUSED);
    expect(existsSync(marker)).toBe(false);
  });

  it('with consent the same template does run its code: the refusals above are what kept it from running', () => {
    const { dir, marker } = projectWithTemplates(RUNS_CODE);
    const r = runBin([dir, '--yes', '--trust-project-templates']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('ran');
  });

  it('a project config cannot vouch for itself', () => {
    const { dir } = projectWithTemplates('# ok');
    writeFileSync(join(dir, 'django-docker.config.json'), '{ "templates": "docker-templates", "trustProjectTemplates": true }\n');
    expectRefused(dir, ['--yes'], /django-docker\.config\.json: "trustProjectTemplates" is read only from ~\/django-docker\.config\.json/);
  });

  it('with --trust-project-templates the override is used', () => {
    const { dir } = projectWithTemplates('# Our platform team was here');
    const r = runBin([dir, '--yes', '--trust-project-templates']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'docker-entrypoint.sh'), 'utf8')).toContain('# Our platform team was here');
    // Consent is not saved in the project: the next run asks for it again.
    expect(readFileSync(join(dir, '.yo-rc.json'), 'utf8')).not.toMatch(/trust/i);
  });

  it('"trustProjectTemplates": true in the home config gives the consent', () => {
    const { dir } = projectWithTemplates('# trusted from home');
    const home = scratch();
    writeFileSync(join(home, 'django-docker.config.json'), '{ "trustProjectTemplates": true }\n');
    const r = runBin([dir, '--yes'], { env: { HOME: home } });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'docker-entrypoint.sh'), 'utf8')).toContain('# trusted from home');
  });

  it('templates named by the home config are trusted and may live outside the project', () => {
    const dir = projectFrom('startproject-postgres');
    const home = scratch();
    mkdirSync(join(home, 'org-templates'));
    writeFileSync(join(home, 'org-templates', 'docker-entrypoint.sh.ejs'), entrypointOverride('# from the home folder'));
    writeFileSync(join(home, 'django-docker.config.json'), '{ "templates": "org-templates" }\n');
    const r = runBin([dir, '--yes'], { env: { HOME: home } });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'docker-entrypoint.sh'), 'utf8')).toContain('# from the home folder');
  });
});

describe('a trusted template that misbehaves', () => {
  it('a loop is stopped at the time limit: one line, nothing written', () => {
    const { dir } = projectWithTemplates('<% while (true) {} %>');
    const r = expectRefused(
      dir,
      ['--yes', '--trust-project-templates'],
      /docker-templates\/docker-entrypoint\.sh\.ejs did not finish rendering within 5 s: a template is code, look for a loop in it$/,
    );
    expect(r.ms).toBeLessThan(12_000);
  });

  it('process.exit() in a template ends only the renderer: one line, nothing written', () => {
    const { dir } = projectWithTemplates('<%= process.exit(3) %>');
    expectRefused(
      dir,
      ['--yes', '--trust-project-templates'],
      /docker-entrypoint\.sh\.ejs stopped the renderer \(exit code 3\): a template must only lay text out$/,
    );
  });

  it('an undefined variable: one line with the template line', () => {
    const { dir } = projectWithTemplates('<%= organisationName %>');
    expectRefused(
      dir,
      ['--yes', '--trust-project-templates'],
      /docker-entrypoint\.sh\.ejs line 2: organisationName is not defined; fix the template$/,
    );
  });

  it('output printed by a template does not reach the terminal', () => {
    const { dir } = projectWithTemplates('<% console.log("noise from a template") %>');
    const r = runBin([dir, '--yes', '--trust-project-templates']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('noise from a template');
  });
});

describe('paths that must stay inside the project', () => {
  it('a templates folder that is a link out of the project', () => {
    const dir = projectFrom('startproject-postgres');
    const outside = scratch();
    writeFileSync(join(outside, 'docker-entrypoint.sh.ejs'), entrypointOverride('# outside'));
    symlinkSync(outside, join(dir, 'docker-templates'));
    expectRefused(
      dir,
      ['--yes', '--templates', 'docker-templates', '--trust-project-templates'],
      /"templates" folder docker-templates leads to .*, outside the project: give a folder inside the project$/,
    );
  });

  it('one template that is a link out of the project', () => {
    const { dir } = projectWithTemplates('# fine');
    const outside = join(scratch(), 'evil.ejs');
    writeFileSync(outside, entrypointOverride('# evil'));
    symlinkSync(outside, join(dir, 'docker-templates', 'Dockerfile.ejs'));
    expectRefused(
      dir,
      ['--yes', '--trust-project-templates'],
      /docker-templates\/Dockerfile\.ejs leads to .*evil\.ejs, outside the project: keep the templates inside it$/,
    );
  });

  it('--templates ../elsewhere', () => {
    const dir = projectFrom('startproject-postgres');
    expectRefused(
      dir,
      ['--yes', '--templates', '../elsewhere', '--trust-project-templates'],
      /"templates" folder \.\.\/elsewhere is outside the project/,
    );
  });

  it('--ca-cert ../../../../etc/passwd is not copied into the build', () => {
    const dir = projectFrom('startproject-postgres');
    expectRefused(
      dir,
      ['--yes', '--ca-cert', '../../../../etc/passwd'],
      /flags: "caCert" \.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd is outside the project: give a path inside the project folder, relative to it$/,
    );
  });

  it('--ca-cert naming a link in the project that points out of it', () => {
    const dir = projectFrom('startproject-postgres');
    symlinkSync('/etc/passwd', join(dir, 'org-ca.pem'));
    expectRefused(
      dir,
      ['--yes', '--ca-cert', 'org-ca.pem'],
      /"caCert" org-ca\.pem leads to \/etc\/passwd, outside the project: give a file inside the project$/,
    );
  });

  it('a CA certificate from a project config that is a folder', () => {
    const dir = projectFrom('startproject-postgres');
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'django-docker.config.json'), '{ "caCert": "certs" }\n');
    const before = snapshot(dir);
    const r = runBin([dir, '--yes']);
    expectOneLine(r, /django-docker\.config\.json: "caCert" certs is not a regular file: give one$/);
    expect(snapshot(dir)).toEqual(before);
  });
});
