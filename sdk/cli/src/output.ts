/**
 * Where the CLI writes: results to stdout, notes and warnings to stderr. The MCP server owns stdout
 * (the protocol), so everything it logs goes through `note`.
 */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
