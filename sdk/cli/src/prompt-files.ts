import fs from 'node:fs/promises';
import path from 'node:path';
import { parseTemplate, TemplateSyntaxError } from '@forprompt/sdk';
import { z } from 'zod';
import { metadataFields, promptKeyPattern, type SavePromptBody } from './api.js';

/**
 * Prompt files for `push` and `validate`, one prompt per file in a directory (default `prompts/`); the
 * file name without its extension is the key.
 *
 * - `<key>.md`: a text prompt. Optional front matter between `---` lines (`field: value`; lists as
 *   `[a, b]`; `config` as inline JSON), then the template — exactly, except one final newline.
 * - `<key>.json`: any prompt (chat prompts, model config): the body of POST /api/v1/prompts without `key`.
 *
 * Fields: name, description, type (json only), tags, labels, commitMessage, config, template or
 * messages (json only), and the metadata fields purpose, expectedBehavior, inputFormat, … .
 */
export interface LocalPrompt {
  key: string;
  file: string;
  body: Omit<SavePromptBody, 'key'>;
}

export interface PromptFileProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

const chatMessage = z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
const fieldsSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().max(2000).optional(),
  type: z.enum(['text', 'chat']).optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  labels: z.array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" or "-"')).max(20).optional(),
  commitMessage: z.string().max(500).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  template: z.string().optional(),
  messages: z.array(chatMessage).min(1).optional(),
  ...Object.fromEntries(metadataFields.map((field) => [field, z.string().optional()])),
});

class FileProblem extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** A front-matter value: `[a, "b"]` lists, `{…}` JSON objects, quoted or bare strings. */
function frontMatterValue(raw: string, line: number): unknown {
  if (raw.startsWith('{')) {
    try {
      return JSON.parse(raw);
    } catch {
      throw new FileProblem('this value starts with "{" but is not a JSON object', line);
    }
  }
  if (raw.startsWith('[')) {
    if (!raw.endsWith(']')) throw new FileProblem('a list must end with "]"', line);
    const inner = raw.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((item) => unquote(item.trim()));
  }
  return unquote(raw);
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return JSON.parse(value) as string;
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}

/** The front matter's fields and where the template starts (1-based line). */
function splitMarkdown(text: string): { fields: Record<string, unknown>; template: string; templateLine: number } {
  const lines = text.split('\n');
  const dropFinalNewline = (body: string) => body.replace(/\r?\n$/, '');
  if (lines[0]?.trimEnd() !== '---') return { fields: {}, template: dropFinalNewline(text), templateLine: 1 };
  const end = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---');
  if (end === -1) throw new FileProblem('the front matter has no closing "---" line', 1);
  const fields: Record<string, unknown> = {};
  for (let index = 1; index < end; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z][A-Za-z0-9_]*)\s*:\s*(.*)$/.exec(line);
    if (!match) throw new FileProblem('expected "field: value"', index + 1);
    if (match[1] === 'template' || match[1] === 'messages' || match[1] === 'type') {
      throw new FileProblem(`"${match[1]}" is not set in front matter: a .md file is a text prompt whose template follows the front matter`, index + 1);
    }
    fields[match[1]!] = frontMatterValue(match[2]!.trim(), index + 1);
  }
  return { fields, template: dropFinalNewline(lines.slice(end + 1).join('\n')), templateLine: end + 2 };
}

/** Line and column of a character offset in `text` (JSON.parse reports offsets). */
function positionAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

function parseJsonFile(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FileProblem('expected a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    if (error instanceof FileProblem) throw error;
    const offset = /position (\d+)/.exec((error as Error).message)?.[1];
    const where = offset === undefined ? undefined : positionAt(text, Number(offset));
    const reason = (error as Error).message.replace(/ in JSON at position \d+.*$/, '');
    throw new FileProblem(`not valid JSON: ${reason}`, where?.line, where?.column);
  }
}

function checkFields(fields: Record<string, unknown>): Omit<SavePromptBody, 'key'> {
  const parsed = fieldsSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FileProblem(`${issue.path.join('.') || 'file'}: ${issue.message}`);
  }
  const body = parsed.data as Omit<SavePromptBody, 'key'>;
  if (body.template !== undefined && body.messages !== undefined) throw new FileProblem('give either template (text prompt) or messages (chat prompt), not both');
  if (body.template === undefined && body.messages === undefined) throw new FileProblem('no template or messages');
  if (body.type === 'chat' && body.template !== undefined) throw new FileProblem('a chat prompt takes messages');
  if (body.type === 'text' && body.messages !== undefined) throw new FileProblem('a text prompt takes a template');
  return { ...body, type: body.type ?? (body.messages ? 'chat' : 'text') };
}

/** Template syntax, with the error's place in the file (`.md`) or in the message (`.json`). */
function checkTemplates(body: Omit<SavePromptBody, 'key'>, templateLine: number | null): void {
  const sources: Array<[string, string]> = body.template !== undefined ? [['template', body.template]] : (body.messages ?? []).map((message, index) => [`messages[${index}].content`, message.content]);
  for (const [where, source] of sources) {
    try {
      parseTemplate(source);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      const { line, column } = error.position;
      const reason = error.message.replace(/ at line \d+, column \d+$/, '');
      if (templateLine !== null) throw new FileProblem(reason, templateLine + line - 1, column);
      throw new FileProblem(`${where}, line ${line}, column ${column}: ${reason}`);
    }
  }
}

export function parsePromptFile(file: string, text: string): LocalPrompt {
  const extension = path.extname(file);
  const key = path.basename(file, extension);
  if (!promptKeyPattern.test(key)) throw new FileProblem(`"${key}" is not a prompt key (letters, digits, ".", "_" or "-", at most 128)`);
  if (extension === '.md') {
    const { fields, template, templateLine } = splitMarkdown(text);
    const body = checkFields({ ...fields, template });
    checkTemplates(body, templateLine);
    return { key, file, body };
  }
  const body = checkFields(parseJsonFile(text));
  checkTemplates(body, null);
  return { key, file, body };
}

/** Every `.md` and `.json` file directly in `dir`, parsed and checked; problems are collected, not thrown. */
export async function readPromptFiles(dir: string): Promise<{ prompts: LocalPrompt[]; problems: PromptFileProblem[]; files: number }> {
  let names: string[];
  try {
    names = (await fs.readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile() && /\.(md|json)$/.test(entry.name)).map((entry) => entry.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { prompts: [], problems: [{ file: dir, message: 'no such directory' }], files: 0 };
    throw error;
  }
  const prompts: LocalPrompt[] = [];
  const problems: PromptFileProblem[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const prompt = parsePromptFile(file, await fs.readFile(file, 'utf8'));
      const earlier = seen.get(prompt.key);
      if (earlier) throw new FileProblem(`the key "${prompt.key}" is also defined by ${earlier}`);
      seen.set(prompt.key, file);
      prompts.push(prompt);
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      problems.push({ file, message: error.message, ...(error.line !== undefined && { line: error.line }), ...(error.column !== undefined && { column: error.column }) });
    }
  }
  return { prompts, problems, files: names.length };
}

/** `file:line:column: message`, the form editors and CI annotate. */
export function formatProblem(problem: PromptFileProblem): string {
  const where = [problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(':');
  return `${where}: ${problem.message}`;
}
