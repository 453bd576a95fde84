import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Variables } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { listPrompts, syncPrompts } from '../api.js';
import type { ApiClient } from '../http.js';
import { formatPrompt, formatSummaryList } from './format.js';
import { resolveForAssistant } from './tools.js';

/**
 * The original's `forprompt://` resources: `forprompt://prompts` lists the prompts,
 * `forprompt://prompts/{key}` is a prompt as deployed (else its newest version), and
 * `forprompt://prompts/{key}/v{version}` one version.
 */
const MARKDOWN = 'text/markdown';

function single(variables: Variables, name: string): string {
  const value = variables[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

export function registerResources(server: McpServer, api: ApiClient): void {
  const readPrompt = async (uri: URL, promptKey: string, version?: number) => {
    const [{ prompt, note }, metadata] = await Promise.all([
      resolveForAssistant(api, promptKey, { version }),
      syncPrompts(api).then((prompts) => prompts.find((entry) => entry.key === promptKey)),
    ]);
    return { contents: [{ uri: uri.href, mimeType: MARKDOWN, text: formatPrompt(prompt, metadata, note) }] };
  };

  server.registerResource('prompts', 'forprompt://prompts', { title: 'ForPrompt prompts', description: 'Every prompt of the project with its labels', mimeType: MARKDOWN }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: MARKDOWN, text: formatSummaryList(await listPrompts(api)) }],
  }));

  // Registered before `{key}`: a template is matched in registration order.
  server.registerResource(
    'prompt-version',
    new ResourceTemplate('forprompt://prompts/{key}/v{version}', { list: undefined }),
    { title: 'A version of a prompt', description: 'One version of a prompt by number', mimeType: MARKDOWN },
    (uri, variables) => readPrompt(uri, single(variables, 'key'), Number(single(variables, 'version'))),
  );

  server.registerResource(
    'prompt',
    new ResourceTemplate('forprompt://prompts/{key}', {
      list: async () => ({
        resources: (await listPrompts(api)).map((prompt) => ({
          uri: `forprompt://prompts/${prompt.key}`,
          name: prompt.key,
          title: prompt.name,
          ...(prompt.description && { description: prompt.description }),
          mimeType: MARKDOWN,
        })),
      }),
      complete: { key: async (value) => (await listPrompts(api)).map((prompt) => prompt.key).filter((promptKey) => promptKey.startsWith(value)) },
    }),
    { title: 'A ForPrompt prompt', description: 'A prompt as deployed (else its newest version), with its metadata', mimeType: MARKDOWN },
    (uri, variables) => readPrompt(uri, single(variables, 'key')),
  );
}
