/**
 * Output formats: text (one finding per line, then a summary; colour only on a terminal),
 * json (stable order) and SARIF 2.1.0 (rules with help text from the catalogue).
 */
import { UsageError } from '../common/errors.ts';
import { ENGINE_RULES, RULES, type Severity } from './catalogue.ts';
import type { DoctorResult } from './doctor.ts';
import type { Suppression } from './suppress.ts';
import { visible } from '../common/errors.ts';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

/** A --format value, or a UsageError naming the ones there are. */
export function parseFormat(value: unknown): Format {
  const format = value === undefined ? 'text' : String(value);
  if ((FORMATS as readonly string[]).includes(format)) return format as Format;
  throw new UsageError(`--format ${format} is not supported: choose ${FORMATS.slice(0, -1).join(', ')} or ${FORMATS.at(-1)}`);
}

const COLOURS: Record<Severity, string> = { error: '\u001b[31m', warning: '\u001b[33m', info: '\u001b[36m' };
const RESET = '\u001b[0m';
const DIM = '\u001b[2m';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(result: DoctorResult): string {
  const { error, warning, info, suppressed } = result.counts;
  const containers = result.checked.some((f) => /(^|\/)(Dockerfile|[\w.-]*compose[\w.-]*\.ya?ml)$/.test(f));
  const files = `${plural(result.checked.length, 'file')} checked${containers ? '' : '; no Dockerfile or compose file found'}${result.engine ? `; ${result.engine}` : ''}`;
  const quiet = suppressed ? `, ${suppressed} suppressed` : '';
  if (error + warning + info === 0) return `doctor: no problems found${suppressed ? ` (${suppressed} suppressed)` : ''} (${files})`;
  return `doctor: ${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(info, 'info')}${quiet} (${files})`;
}

export function formatText(result: DoctorResult, colour: boolean): string {
  const lines = result.findings.map((f) => {
    // File names and messages quote the project's files: their control characters are shown, not obeyed.
    const sev = colour ? `${COLOURS[f.severity]}${f.severity}${RESET}` : f.severity;
    const loc = colour ? `${DIM}${visible(f.file)}:${f.line}:${RESET}` : `${visible(f.file)}:${f.line}:`;
    return `${loc} ${sev} ${f.rule}: ${visible(f.message)}`;
  });
  lines.push(summaryLine(result));
  return `${lines.join('\n')}\n`;
}

export function formatJson(result: DoctorResult): string {
  const plain = (f: DoctorResult['findings'][number]): Record<string, unknown> => ({
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    line: f.line,
    message: f.message,
    fix: f.fix,
  });
  const findings = result.findings.map(plain);
  const suppressed = result.suppressed.map((f) => ({ ...plain(f), suppression: f.suppression }));
  return `${JSON.stringify({ findings, suppressed }, null, 2)}\n`;
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

export function formatSarif(result: DoctorResult, version: string): string {
  const all = [...RULES, ...ENGINE_RULES];
  const index = new Map(all.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'django-docker doctor',
            version,
            rules: all.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.help },
              help: { text: `${r.help}${r.blindSpot ? ` Not judged from files: ${r.blindSpot}` : ''}` },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
              properties: { tags: ['django', 'docker', `section-${r.section}`] },
            })),
          },
        },
        // Suppressed findings stay, marked as such: code scanning shows them as dismissed, with the reason.
        results: [...result.findings, ...result.suppressed].map((f) => {
          const s = (f as { suppression?: Suppression }).suppression;
          const at = s?.where.split(':')[0];
          return {
            ruleId: f.rule,
            ruleIndex: index.get(f.rule) ?? -1,
            level: SARIF_LEVEL[f.severity],
            message: { text: `${f.message}. Fix: ${f.fix}` },
            locations: [{ physicalLocation: { artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' }, region: { startLine: f.line } } }],
            ...(s
              ? {
                  suppressions: [
                    {
                      kind: s.kind,
                      ...(s.reason ? { justification: s.reason } : {}),
                      ...(at && !at.startsWith('~')
                        ? { location: { physicalLocation: { artifactLocation: { uri: at, uriBaseId: '%SRCROOT%' } } } }
                        : {}),
                    },
                  ],
                }
              : {}),
          };
        }),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

export function format(result: DoctorResult, fmt: Format, opts: { colour: boolean; version: string }): string {
  if (fmt === 'json') return formatJson(result);
  if (fmt === 'sarif') return formatSarif(result, opts.version);
  return formatText(result, opts.colour);
}

/** Exit status: 1 when any finding is an error. */
export function exitCode(result: DoctorResult): number {
  return result.counts.error > 0 ? 1 : 0;
}
