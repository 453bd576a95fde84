/**
 * The small part of the `.env` format the CLI needs: read `KEY=value` lines (optionally `export`ed,
 * quoted, or followed by a ` # comment`), and set keys in place without touching any other line.
 */
const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

function unquote(raw: string): string {
  if (raw.startsWith('"')) {
    // Up to the first quote that no backslash escapes; \n, \" and \\ are unescaped.
    const inner = /^"((?:[^"\\]|\\.)*)"?/.exec(raw)![1]!;
    return inner.replace(/\\(.)/g, (_match, escaped: string) => (escaped === 'n' ? '\n' : escaped));
  }
  if (raw.startsWith("'")) {
    const end = raw.indexOf("'", 1);
    return end === -1 ? raw.slice(1) : raw.slice(1, end);
  }
  const comment = raw.search(/\s#/);
  return (comment === -1 ? raw : raw.slice(0, comment)).trim();
}

/** The file's variables; a key written twice takes its last value (as the `dotenv` package does). */
export function parseDotenv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = LINE.exec(line);
    if (match) values.set(match[1]!, unquote(match[2]!));
  }
  return values;
}

function quoteIfNeeded(value: string): string {
  if (/^[^\s"'#\\]*$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Sets each key: its existing line(s) are rewritten where they stand, missing keys are appended. */
export function setDotenvValues(text: string, values: Record<string, string>): string {
  const pending = new Map(Object.entries(values));
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r?\n/);
  const hadFinalNewline = lines.at(-1) === '';
  if (hadFinalNewline) lines.pop();
  const rewritten = lines.map((line) => {
    const key = LINE.exec(line)?.[1];
    if (key === undefined || !(key in values)) return line;
    pending.delete(key);
    return `${key}=${quoteIfNeeded(values[key]!)}`;
  });
  for (const [key, value] of pending) rewritten.push(`${key}=${quoteIfNeeded(value)}`);
  return rewritten.join(newline) + newline;
}
