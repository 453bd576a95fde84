import { API_KEY_PLACEHOLDER, renderMcpConfig, type McpClient } from './mcpClients';

export interface Connection {
  projectName: string;
  /** The engine's root URL, as the SDK and the CLI take it. */
  baseUrl: string;
}

/** The SDK's environment, ready for a .env file. */
export function envLines({ baseUrl }: Connection, apiKey: string): string {
  return `FORPROMPT_API_KEY=${apiKey}\nFORPROMPT_BASE_URL=${baseUrl}`;
}

/**
 * Plain text to paste into an AI coding assistant's chat (issue #6, as the original's onboarding
 * offered). It always carries the key's placeholder: a chat transcript is no place for a secret.
 */
export function setupPrompt(connection: Connection, client: McpClient): string {
  const { projectName, baseUrl } = connection;
  const mcpConfig = renderMcpConfig(client, baseUrl);
  const keyNote = mcpConfig.includes(API_KEY_PLACEHOLDER) ? ` Leave ${API_KEY_PLACEHOLDER} as it is; I will put the key there myself.` : '';
  return `This project uses ForPrompt to manage its LLM prompts: ForPrompt runs at ${baseUrl}, and this code belongs to its project "${projectName}". Prompts are versioned there and deployed by label (production by default); the code fetches them at runtime instead of hard-coding them. Please set the project up to use it:

1. Install the SDK: npm install @forprompt/sdk

2. Read the connection from the environment; never write the key into code or committed files. Add these lines to .env (I will fill in the key myself; put them in .env.example too, without the key):
${envLines(connection, API_KEY_PLACEHOLDER)}

3. Fetch prompts by key and fill in their variables:
   import { createForPrompt } from '@forprompt/sdk';
   const fp = createForPrompt({ apiKey: process.env.FORPROMPT_API_KEY, baseUrl: process.env.FORPROMPT_BASE_URL });
   const prompt = await fp.getPrompt('support.greeting'); // a prompt key; { label: 'staging' } picks another deployment
   const system = prompt.compile({ name: user.firstName }); // chat prompts return their messages

4. Trace each LLM call, so it shows under Traces in ForPrompt:
   const trace = fp.trace({ name: 'support-reply', prompt });
   const generation = trace.generation({ model, input: messages });
   // … call the model …
   generation.end({ output: answer, usage: { inputTokens, outputTokens } });
   trace.end({ output: answer });
   Recording never throws and never waits; call await fp.shutdown() before the process exits so queued traces are sent.

5. Optional: run npx forprompt pull. It writes forprompt/index.ts (a typed constant for each prompt key and its variables) and forprompt/snapshot.json (an offline snapshot: pass it as the SDK's snapshot option so prompts are served while ForPrompt is unreachable).

6. Add the ForPrompt MCP server to ${client.title}, so you can list, read and create this project's prompts. ${client.instructions} The file: ${client.file}
${mcpConfig}
(npx forprompt mcp config ${client.id} prints the same snippet.)${keyNote}`;
}
