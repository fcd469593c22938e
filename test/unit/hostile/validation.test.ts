/**
 * Bad answers, from flags, answer files or config files: one line that says what to give, exit
 * status 1, nothing written. Advice in a refusal is itself accepted. Answer and config files
 * follow their JSON Schemas exactly: no strings for numbers or booleans.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyFolder, expectRefused, projectFrom, runBin, scratch } from './support.ts';

const flagCases: Array<[string, string[], RegExp]> = [
  ['empty --port', ['--port', ''], /^django-docker: --port needs a value \(see --help\)$/],
  ['empty --user', ['--user', ''], /^django-docker: --user needs a value/],
  ['empty --uid', ['--uid', ''], /^django-docker: --uid needs a value/],
  ['empty --database', ['--database', ''], /^django-docker: --database needs a value/],
  ['empty --registry', ['--registry', ''], /^django-docker: --registry needs a value/],
  [
    '--db-version 99 (no such PostgreSQL image)',
    ['--database', 'postgres', '--db-version', '99'],
    /--db-version 99 is not a PostgreSQL release with an image: choose 13, 14, 15, 16, 17, 18/,
  ],
  [
    '--user nobody (a user of the base image)',
    ['--user', 'nobody'],
    /--user nobody is already a user or group of the python base image: choose another name/,
  ],
  [
    '--user www-data (a user of the base image)',
    ['--user', 'www-data'],
    /--user www-data is already a user or group of the python base image/,
  ],
  ['--user staff (a group of the base image)', ['--user', 'staff'], /--user staff is already a user or group of the python base image/],
  ['--uid 65534 (nobody)', ['--uid', '65534'], /--uid 65534 is nobody and nogroup in the python base image: give another, such as 10001/],
  [
    '--registry http://evil/',
    ['--registry', 'http://evil/'],
    /"registry" http:\/\/evil\/ must not start with a scheme: give the host and path/,
  ],
  ['--registry without the final /', ['--registry', 'registry.example.com/mirror'], /"registry" must end with \//],
  ['--pip-index-url that is not a URL', ['--pip-index-url', 'pypi.example.com'], /"pipIndexUrl" must be an http\(s\) URL/],
  [
    '--label with a quote in the value',
    ['--label', 'org.example.team=a"b'],
    /label "org\.example\.team" needs a lower-case dotted key and a string value without quotes or newlines/,
  ],
];

describe('flags', () => {
  for (const [label, args, pattern] of flagCases) {
    it(label, () => {
      expectRefused(emptyFolder(), [...args, '--yes'], pattern);
    });
  }
});

describe('advice in a refusal is accepted', () => {
  const cases: Array<[string, string, string]> = [
    ['mysql', '5.7', '8.0'],
    ['mariadb', '10.4', '10.6'],
    ['postgres', '12', '14'],
  ];
  for (const [database, given, advised] of cases) {
    it(`--database ${database} --db-version ${given} advises ${advised}, which then works`, () => {
      const dir = emptyFolder();
      const r = expectRefused(
        dir,
        ['--yes', '--database', database, '--db-version', given],
        new RegExp(`use --db-version ${advised.replace('.', '\\.')} or newer$`),
      );
      const advice = /use --db-version (\S+) or newer/.exec(r.stderr)![1]!;
      const ok = runBin([dir, '--yes', '--database', database, '--db-version', advice]);
      expect(ok.status, ok.stderr).toBe(0);
    });
  }
});

describe('folders and settings', () => {
  it('a folder holding only readme.txt is not an empty folder: refused, as the README says', () => {
    const dir = emptyFolder();
    writeFileSync(join(dir, 'readme.txt'), 'notes\n');
    expectRefused(dir, ['--yes'], /no Django project here: .* has files but no manage\.py/);
  });

  it('settings with a string literal that is not UTF-8: Python cannot import them', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(
      join(dir, 'mysite', 'settings.py'),
      Buffer.concat([readFileSync(join(dir, 'mysite', 'settings.py')), Buffer.from('TITLE = "caf\xe9"\n', 'latin1')]),
    );
    expectRefused(
      dir,
      ['--yes'],
      /^django-docker: mysite\/settings\.py line \d+ is not valid UTF-8: save the file as UTF-8, then run again$/,
    );
  });

  it('the same bytes under a latin-1 coding line are what Python reads: accepted', () => {
    const dir = projectFrom('startproject-postgres');
    const settings = readFileSync(join(dir, 'mysite', 'settings.py'));
    writeFileSync(
      join(dir, 'mysite', 'settings.py'),
      Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\n'), settings, Buffer.from('TITLE = "caf\xe9"\n', 'latin1')]),
    );
    const r = runBin([dir, '--yes']);
    expect(r.status, r.stderr).toBe(0);
  });

  it('settings nesting brackets 201 deep, which Python refuses', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(
      join(dir, 'mysite', 'settings.py'),
      `${readFileSync(join(dir, 'mysite', 'settings.py'), 'utf8')}X = ${'('.repeat(201)}1${')'.repeat(201)}\n`,
    );
    expectRefused(dir, ['--yes'], /cannot parse mysite\/settings\.py line \d+: brackets nested more than 200 deep, which Python refuses/);
  });

  it('settings nesting 200 deep, which Python still imports: accepted', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(
      join(dir, 'mysite', 'settings.py'),
      `${readFileSync(join(dir, 'mysite', 'settings.py'), 'utf8')}X = ${'('.repeat(200)}1${')'.repeat(200)}\n`,
    );
    const r = runBin([dir, '--yes']);
    expect(r.status, r.stderr).toBe(0);
  });

  it('settings nesting 3000 deep: one line, no stack overflow', () => {
    const dir = projectFrom('startproject-postgres');
    writeFileSync(
      join(dir, 'mysite', 'settings.py'),
      `${readFileSync(join(dir, 'mysite', 'settings.py'), 'utf8')}X = ${'['.repeat(3000)}${']'.repeat(3000)}\n`,
    );
    expectRefused(dir, ['--yes'], /cannot parse mysite\/settings\.py line \d+: /);
  });
});

function answersFile(content: string): string {
  const file = join(scratch(), 'answers.json');
  writeFileSync(file, content);
  return file;
}

describe('answer files follow schema/answers.schema.json', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a port given as a string', '{ "port": "9000" }', /answers\.json: "port" must be a whole number, not the string "9000"$/],
    ['a boolean given as a string', '{ "comments": "false" }', /answers\.json: "comments" must be true or false, not the string "false"$/],
    ['a uid given as a string', '{ "uid": "10001" }', /answers\.json: "uid" must be a whole number, not the string "10001"$/],
    ['a list instead of an object', '[]', /answers\.json: the file must be an object, not a list$/],
    [
      'an unknown organisation setting',
      '{ "organisation": { "registery": "r.example.com/" } }',
      /answers\.json: "organisation\.registery" is not a setting: use registry, pipIndexUrl/,
    ],
    [
      'an organisation registry with a scheme',
      '{ "organisation": { "registry": "http://evil/" } }',
      /answers\.json: "organisation\.registry" http:\/\/evil\/ must not start with a scheme/,
    ],
    [
      'a user the base image has',
      '{ "user": "nobody" }',
      /answers\.json: "user" nobody is already a user or group of the python base image/,
    ],
  ];
  for (const [label, content, pattern] of cases) {
    it(label, () => {
      expectRefused(emptyFolder(), ['--yes', '--answers', answersFile(content)], pattern);
    });
  }

  it('"organisation", which the schema allows, is accepted and saved like flags', () => {
    const dir = emptyFolder();
    const file = answersFile(
      '{ "port": 9000, "comments": true, "organisation": { "registry": "registry.example.com/mirror/", "labels": { "org.example.team": "web" } } }',
    );
    const r = runBin([dir, '--yes', '--answers', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('FROM registry.example.com/mirror/python:');
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('org.example.team="web"');
    const saved = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-django-docker'];
    expect(saved.organisation).toEqual({ registry: 'registry.example.com/mirror/', labels: { 'org.example.team': 'web' } });
  });
});

describe('config files follow schema/config.schema.json', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a registry that is a number', '{ "registry": 5 }', /django-docker\.config\.json: "registry" must be a string, not number 5$/],
    [
      'a label key in capitals',
      '{ "labels": { "Team": "web" } }',
      /django-docker\.config\.json: label "Team" needs a lower-case dotted key/,
    ],
    ['labels that are a list', '{ "labels": ["a=b"] }', /django-docker\.config\.json: "labels" must be an object, not a list$/],
    [
      'credentials in the committed config',
      '{ "pipIndexUrl": "https://alice:s3cret@pypi.example.com/simple" }',
      /"pipIndexUrl" holds credentials, and this file is committed with the project/,
    ],
  ];
  for (const [label, content, pattern] of cases) {
    it(label, () => {
      const dir = projectFrom('startproject-postgres');
      writeFileSync(join(dir, 'django-docker.config.json'), content);
      expectRefused(dir, ['--yes'], pattern);
    });
  }
});
