// Shared by the start and database scripts: a deliberately small .env reader (no interpolation,
// no multi-line values).

// Reads KEY=VALUE lines: `#` comments, blank lines, an optional `export ` prefix, and
// values optionally wrapped in single or double quotes (double quotes allow \n escapes).
export function parseEnvFile(text) {
  const values = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rest] = match;
    let value;
    const quote = rest[0];
    if ((quote === '"' || quote === "'") && rest.indexOf(quote, 1) > 0) {
      value = rest.slice(1, rest.indexOf(quote, 1));
      if (quote === '"') value = value.replace(/\\n/g, '\n');
    } else {
      // An unquoted value ends where a ` #` comment begins.
      value = rest.replace(/\s+#.*$/, '').trim();
    }
    values[key] = value;
  }
  return values;
}
