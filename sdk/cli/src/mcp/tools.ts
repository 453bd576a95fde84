import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
  compatCreatePrompt,
  compatCreateVersion,
  compatUpdatePrompt,
  listPrompts,
  metadataFields,
  promptKeyPattern,
  resolvePrompt,
  syncPrompts,
  type MetadataField,
  type ResolvedPrompt,
} from '../api.js';
import { ApiError } from '../errors.js';
import type { ApiClient } from '../http.js';
import { note } from '../output.js';
import { formatPrompt, formatSummaryList, metadataOf, promptText } from './format.js';

/** The original MCP server's tools (forprompt-oss packages/sdk/src/mcp/tools.ts), by the same names. */
const key = z.string().regex(promptKeyPattern, 'letters, digits, ".", "_" or "-"').describe('The prompt key, e.g. "support-reply"');
const version = z.number().int().min(1).optional().describe('A version number (default: the deployed version, else the newest)');
const label = z.string().optional().describe('A label such as "production" or "staging" (instead of version)');
const metadataShape = Object.fromEntries(metadataFields.map((field) => [field, z.string().optional()])) as Record<MetadataField, z.ZodOptional<z.ZodString>>;

const reply = (text: string): CallToolResult => ({ content: [{ type: 'text', text }] });

/** Runs a tool; an error becomes a tool result the assistant can read (`isError`), never a protocol error. */
async function guarded(action: string, run: () => Promise<string>): Promise<CallToolResult> {
  try {
    return reply(await run());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    note(`${action} failed: ${message}`);
    return { content: [{ type: 'text', text: `Error ${action}: ${message}` }], isError: true };
  }
}

/** What an assistant means by "the prompt": the deployed version, or the newest when none is deployed. */
export async function resolveForAssistant(api: ApiClient, promptKey: string, selector: { version?: number | undefined; label?: string | undefined }): Promise<{ prompt: ResolvedPrompt; note?: string }> {
  if (selector.version !== undefined || selector.label !== undefined) return { prompt: await resolvePrompt(api, promptKey, selector) };
  try {
    return { prompt: await resolvePrompt(api, promptKey, { label: 'production' }) };
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'label_not_found')) throw error;
    return { prompt: await resolvePrompt(api, promptKey, { label: 'latest' }), note: 'No version is deployed (production); this is the newest version.' };
  }
}

async function metadataFor(api: ApiClient, promptKey: string) {
  return (await syncPrompts(api)).find((prompt) => prompt.key === promptKey);
}

export function registerTools(server: McpServer, api: ApiClient): void {
  const read = { readOnlyHint: true, openWorldHint: false } as const;
  const write = { readOnlyHint: false, destructiveHint: false, openWorldHint: false } as const;

  server.registerTool(
    'forprompt_get_prompt',
    { description: 'Fetch a prompt by key: its text (template or chat messages), version, labels, variables, model config and metadata (purpose, expected behavior, constraints, …).', inputSchema: { key, version, label }, annotations: read },
    (args) =>
      guarded(`fetching prompt "${args.key}"`, async () => {
        const [{ prompt, note: remark }, metadata] = await Promise.all([resolveForAssistant(api, args.key, args), metadataFor(api, args.key)]);
        return formatPrompt(prompt, metadata, remark);
      }),
  );

  server.registerTool(
    'forprompt_list_prompts',
    { description: 'List the prompts of the project: key, type, labels with their versions, name, description and tags.', inputSchema: { search: z.string().optional().describe('Keep prompts whose key, name or description contains this'), tag: z.string().optional(), label: z.string().optional().describe('Only prompts that have this label') }, annotations: read },
    (args) =>
      guarded('listing prompts', async () => {
        const needle = args.search?.toLowerCase();
        const prompts = (await listPrompts(api, { tag: args.tag, label: args.label })).filter(
          (prompt) => !needle || [prompt.key, prompt.name, prompt.description].some((field) => field?.toLowerCase().includes(needle)),
        );
        return prompts.length === 0 && needle ? `No prompts found matching "${args.search}"` : formatSummaryList(prompts);
      }),
  );

  server.registerTool(
    'forprompt_search_prompts',
    { description: 'Search prompts by text across keys, names, descriptions, purposes, use cases, expected behavior and the deployed text.', inputSchema: { query: z.string().min(1).describe('Text to look for (case-insensitive)') }, annotations: read },
    (args) =>
      guarded('searching prompts', async () => {
        const needle = args.query.toLowerCase();
        const matches = (await syncPrompts(api)).filter((prompt) =>
          [prompt.key, prompt.name, prompt.description, prompt.purpose, prompt.useCases, prompt.expectedBehavior, prompt.systemPrompt].some((field) => field?.toLowerCase().includes(needle)),
        );
        if (matches.length === 0) return `No prompts found matching "${args.query}"`;
        const results = matches.map((prompt) =>
          [`## ${prompt.name} (\`${prompt.key}\`)`, prompt.description && `*${prompt.description}*`, `Deployed version: ${prompt.versionNumber || 'none'}`, prompt.purpose && `**Purpose:** ${prompt.purpose}`].filter(Boolean).join('\n'),
        );
        return `# Search Results for "${args.query}"\n\nFound ${matches.length} matching prompt(s):\n\n${results.join('\n\n---\n\n')}`;
      }),
  );

  server.registerTool(
    'forprompt_get_prompt_metadata',
    { description: "A prompt's metadata without its text (purpose, expected behavior, input/output format, constraints, use cases, notes), to see what it does before fetching it.", inputSchema: { key }, annotations: read },
    (args) =>
      guarded(`fetching metadata for "${args.key}"`, async () => {
        const prompt = await metadataFor(api, args.key);
        if (!prompt) throw new Error(`No prompt with the key "${args.key}"`);
        return `# Metadata for "${prompt.name}"\n\n\`\`\`json\n${JSON.stringify(metadataOf(prompt), null, 2)}\n\`\`\``;
      }),
  );

  server.registerTool(
    'forprompt_get_system_prompt',
    { description: "Only a prompt's raw text (a chat prompt's messages under their roles), to use directly.", inputSchema: { key, version, label }, annotations: read },
    (args) => guarded(`fetching the text of "${args.key}"`, async () => promptText((await resolveForAssistant(api, args.key, args)).prompt)),
  );

  server.registerTool(
    'forprompt_create_prompt',
    {
      description: 'Create a prompt. With systemPrompt, version 1 is created and deployed (labelled production). Keys use letters, digits, ".", "_" or "-" and must be new.',
      inputSchema: { key, name: z.string().min(1).max(100).describe('Human-readable name'), description: z.string().optional(), systemPrompt: z.string().optional().describe('The first version\'s text; {{variable}} placeholders allowed') },
      annotations: write,
    },
    (args) =>
      guarded('creating the prompt', async () => {
        const created = await compatCreatePrompt(api, args);
        return `Created the prompt "${args.name}" with key "${created.key}"${created.versionNumber ? ` (v${created.versionNumber}, deployed)` : ' (no version yet: add one with forprompt_create_version)'}`;
      }),
  );

  server.registerTool(
    'forprompt_update_prompt',
    { description: "Update a prompt's name, description or metadata. To change its text, use forprompt_create_version.", inputSchema: { key, name: z.string().min(1).max(100).optional(), description: z.string().optional(), ...metadataShape }, annotations: write },
    (args) =>
      guarded('updating the prompt', async () => {
        await compatUpdatePrompt(api, args);
        return `Updated the prompt "${args.key}"`;
      }),
  );

  server.registerTool(
    'forprompt_create_version',
    {
      description: "Add a version of a text prompt with new text; every version is kept. It is deployed (labelled production) unless setAsActive is false.",
      inputSchema: { key, systemPrompt: z.string().describe('The new text; {{variable}} placeholders allowed'), description: z.string().optional().describe('What changed (commit message)'), setAsActive: z.boolean().optional().describe('Deploy it (default true)') },
      annotations: write,
    },
    (args) =>
      guarded('creating the version', async () => {
        const created = await compatCreateVersion(api, args);
        return `Created version ${created.versionNumber} of "${args.key}"${args.setAsActive === false ? ' (not deployed)' : ' and deployed it'}`;
      }),
  );
}
