import type { Severity } from './catalogue.ts';

export interface Finding {
  rule: string;
  severity: Severity;
  /** Relative to the checked folder, posix separators. */
  file: string;
  line: number;
  message: string;
  fix: string;
}

export interface Where {
  file: string;
  line: number;
}

/** Stable order: file, line, rule, then message. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message);
}
