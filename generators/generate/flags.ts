/**
 * The generator's flags, declared once: the run flags below, one per question (answers.ts) and
 * one per organisation setting (org-config.ts). The bin reads them with parseArgs and prints
 * them in --help; the Yeoman generator declares the ones it reads, with the same words.
 */
import { type AnswerKey, QUESTIONS } from './answers.ts';
import { CONFIG_KEYS, type OrgConfig, TRUST_FLAG } from './org-config.ts';

export interface RunFlag {
  name: string;
  type: 'boolean' | 'string';
  short?: string;
  description: string;
  /** The Yeoman generator declares it too (`yo django-docker --yes`); the others are the bin's. */
  generator?: boolean;
}

/** The flags that steer a run rather than answer a question. */
export const RUN_FLAGS: readonly RunFlag[] = [
  { name: 'no-comments', type: 'boolean', description: 'bare files, without the explanatory comments' },
  { name: 'answers', type: 'string', description: 'a JSON file of answers (keys as in .yo-rc.json; see schema/answers.schema.json)' },
  { name: 'yes', type: 'boolean', short: 'y', description: 'take detected values and defaults without asking', generator: true },
  { name: 'ask', type: 'boolean', description: 'ask again what .yo-rc.json already answers', generator: true },
  { name: 'force', type: 'boolean', description: 'overwrite changed files without asking' },
  {
    name: TRUST_FLAG,
    type: 'boolean',
    description: 'render the templates folder that comes with the project (templates are code: EJS runs JavaScript); never saved',
    generator: true,
  },
  { name: 'dry-run', type: 'boolean', description: 'show what would change, write nothing' },
  { name: 'help', type: 'boolean', short: 'h', description: 'show this help' },
  { name: 'version', type: 'boolean', short: 'v', description: 'print the version' },
];

/** A question's flag: a value, or a switch (`--kubernetes`, `--no-kubernetes`). */
export interface AnswerFlag {
  name: string;
  key: AnswerKey;
  switch: boolean;
  choices?: readonly string[];
  description: string;
}

export const ANSWER_FLAGS: readonly AnswerFlag[] = QUESTIONS.map((q) => ({
  name: q.flag,
  key: q.key,
  switch: Boolean(q.switch),
  ...(q.choices ? { choices: q.choices } : {}),
  description: q.description,
}));

/** An organisation setting's flag; `--label` may repeat. */
export interface OrgFlag {
  name: string;
  key: keyof OrgConfig;
  repeatable: boolean;
  description: string;
}

export const ORG_FLAGS: readonly OrgFlag[] = (
  Object.entries(CONFIG_KEYS) as Array<[keyof OrgConfig, (typeof CONFIG_KEYS)[keyof OrgConfig]]>
).map(([key, c]) => ({ name: c.flag, key, repeatable: c.type === 'labels', description: c.description }));
