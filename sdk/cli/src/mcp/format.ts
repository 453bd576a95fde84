import type { CompatPrompt, PromptSummary, ResolvedPrompt } from '../api.js';
import { metadataFields, type MetadataField } from '../api.js';

/** Markdown the assistant reads: the prompts as the original MCP server showed them, plus labels, type and variables. */
const headings: Record<MetadataField, string> = {
  purpose: 'Purpose',
  expectedBehavior: 'Expected Behavior',
  inputFormat: 'Input Format',
  outputFormat: 'Output Format',
  constraints: 'Constraints',
  useCases: 'Use Cases',
  additionalNotes: 'Additional Notes',
  toolsNotes: 'Tools Notes',
  referencePrompt: 'Reference Prompt',
};

/** The text of a version: a text prompt's template, or a chat prompt's messages under their roles. */
export function promptText(prompt: ResolvedPrompt): string {
  if (prompt.template !== null) return prompt.template;
  return (prompt.messages ?? []).map((message) => `[${message.role}]\n${message.content}`).join('\n\n');
}

export function formatPrompt(prompt: ResolvedPrompt, metadata: CompatPrompt | undefined, note?: string): string {
  const lines = [`# ${prompt.name}`, `**Key:** ${prompt.key}`, `**Version:** ${prompt.version} (labels: ${prompt.labels.join(', ') || 'none'})`, `**Type:** ${prompt.type}`];
  if (note) lines.push(`**Note:** ${note}`);
  if (prompt.description) lines.push(`**Description:** ${prompt.description}`);
  if (prompt.variables.length > 0) lines.push(`**Variables:** ${prompt.variables.map((name) => `{{${name}}}`).join(', ')}`);
  lines.push('', prompt.type === 'text' ? '## System Prompt' : '## Messages', '```', promptText(prompt), '```');
  if (Object.keys(prompt.config).length > 0) lines.push('', '## Model Config', '```json', JSON.stringify(prompt.config, null, 2), '```');
  for (const field of metadataFields) {
    const value = metadata?.[field];
    if (value) lines.push('', `## ${headings[field]}`, value);
  }
  return lines.join('\n');
}

export function formatSummaryLine(prompt: PromptSummary): string {
  const labels = Object.entries(prompt.labels)
    .map(([label, version]) => `${label} v${version}`)
    .join(', ');
  const description = prompt.description ? ` - ${prompt.description}` : '';
  const tags = prompt.tags.length > 0 ? ` [${prompt.tags.join(', ')}]` : '';
  return `- **${prompt.key}** (${prompt.type}; ${labels || 'no versions'}): ${prompt.name}${description}${tags}`;
}

export function formatSummaryList(prompts: PromptSummary[]): string {
  if (prompts.length === 0) return 'No prompts in this project yet.';
  return `# ForPrompt Prompts\n\nFound ${prompts.length} prompt(s):\n\n${prompts.map(formatSummaryLine).join('\n')}`;
}

export function metadataOf(prompt: CompatPrompt) {
  return {
    key: prompt.key,
    name: prompt.name,
    description: prompt.description,
    deployedVersion: prompt.versionNumber || null,
    updatedAt: new Date(prompt.updatedAt).toISOString(),
    ...Object.fromEntries(metadataFields.map((field) => [field, prompt[field]])),
    systemPromptLength: prompt.systemPrompt.length,
  };
}
