/**
 * What every rule gets: the loaded project and a way to report a finding against a catalogue rule.
 */
import { RULE_BY_ID, type Severity } from '../catalogue.ts';
import type { Loaded } from '../load.ts';
import type { Finding, Where } from '../types.ts';

export interface Ctx {
  p: Loaded;
  report(rule: string, where: Where, message: string, fix: string, severity?: Severity): void;
}

export type RuleFn = (ctx: Ctx) => void;

export function makeCtx(p: Loaded, out: Finding[]): Ctx {
  return {
    p,
    report(rule, where, message, fix, severity) {
      const info = RULE_BY_ID.get(rule);
      if (!info) throw new Error(`unknown rule ${rule}`);
      out.push({ rule, severity: severity ?? info.severity, file: where.file, line: Math.max(1, where.line), message, fix });
    },
  };
}
