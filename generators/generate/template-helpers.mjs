// Helpers the templates call. Plain JavaScript, so the render worker (template-worker.mjs) loads
// the same file as the generator, built or not.

/** Exec-form JSON array, as Dockerfiles and compose use it. */
const json = (items) => `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;

/** A quoted YAML scalar, quoted as prettier would: single quotes when the text holds double quotes. */
const yamlString = (s) => (s.includes('"') && !s.includes("'") ? `'${s}'` : JSON.stringify(s));

function yamlScalar(v) {
  // Line breaks only survive in a double-quoted scalar (\n); single quotes fold them into spaces.
  if (typeof v === 'string') return v.includes('\n') ? JSON.stringify(v) : yamlString(v);
  return String(v);
}

function yamlBlock(value, indent) {
  const pad = ' '.repeat(indent);
  const lines = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === 'object') {
        const [first, ...rest] = yamlBlock(item, indent + 2);
        lines.push(`${pad}- ${first.trimStart()}`, ...rest);
      } else lines.push(`${pad}- ${yamlScalar(item)}`);
    }
    return lines;
  }
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (v !== null && typeof v === 'object') {
      const empty = Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
      if (empty) lines.push(`${pad}${key}: ${Array.isArray(v) ? '[]' : '{}'}`);
      else lines.push(`${pad}${key}:`, ...yamlBlock(v, indent + 2));
    } else lines.push(`${pad}${key}: ${yamlScalar(v)}`);
  }
  return lines;
}

/** A plain object as block YAML at an indent (no trailing newline): maps, lists, scalars. */
const yamlLines = (value, indent) => yamlBlock(value, indent).join('\n');

/** One shell word: as is when it has no special characters, else single-quoted. */
const shellWord = (s) => (/^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

export const helpers = { json, yamlString, yamlLines, shellWord };

/** No HTML escaping: these are config files, not web pages. */
export const escape = (s) => String(s);
