import type { z } from 'zod';
import { aiInstructions, type AiTask } from '../ai/instructions.js';
import { generateObject } from '../ai/structured.js';
import type { Services } from '../http/services.js';
import { requireProject } from '../projects/service.js';
import { enhanceFieldReply, extractedMetadataReply, generatedPromptReply, suggestionsReply, type MetadataValues } from './assist-schema.js';

export interface AssistScope {
  organizationId: string;
  projectId: string;
  userId: string;
  model?: string;
  signal?: AbortSignal;
}

/**
 * One structured AI call for the metadata form: the organization's instructions for the task, the
 * reply validated (one repair, then 502 ai_invalid_output — never a made-up result).
 */
async function ask<T>(services: Services, scope: AssistScope, task: AiTask, feature: string, schema: z.ZodType<T>, content: string): Promise<T> {
  await requireProject(services, scope.organizationId, scope.projectId);
  const { provider } = await services.ai.forRequest({ organizationId: scope.organizationId, projectId: scope.projectId, userId: scope.userId, feature });
  const instructions = await aiInstructions(services, scope.organizationId, task);
  const generated = await generateObject(provider, schema, { model: scope.model, system: instructions.text, messages: [{ role: 'user', content }], signal: scope.signal });
  return generated.object;
}

export function suggestEnhancements(services: Services, scope: AssistScope, prompt: string) {
  return ask(services, scope, 'forprompt.enhance', 'enhance', suggestionsReply, `Suggest enhancements to this system prompt:\n<prompt>\n${prompt}\n</prompt>`);
}

export function enhanceField(services: Services, scope: AssistScope, field: string, value: string, prompt?: string) {
  const context = prompt?.trim() ? `\n\nThe prompt it describes:\n<prompt>\n${prompt}\n</prompt>` : '';
  return ask(services, scope, 'forprompt.enhance', 'enhance', enhanceFieldReply, `Enhance one metadata field of a prompt. Reply with enhancedText only.\nField: ${field}\nCurrent text:\n<field>\n${value}\n</field>${context}`);
}

/** The metadata read from a prompt, under the form's field names (the original's toolsAndCapabilities is our toolsNotes). */
export async function extractMetadata(services: Services, scope: AssistScope, prompt: string) {
  const { toolsAndCapabilities, ...rest } = await ask(services, scope, 'forprompt.extract-metadata', 'extract-metadata', extractedMetadataReply, `Describe this system prompt in the fields:\n<prompt>\n${prompt}\n</prompt>`);
  return { ...rest, toolsNotes: toolsAndCapabilities };
}

export function generatePrompt(services: Services, scope: AssistScope, metadata: MetadataValues) {
  const given = Object.entries(metadata).filter(([, value]) => value?.trim());
  const description = given.length > 0 ? given.map(([field, value]) => `${field}: ${value!.trim()}`).join('\n') : '(nothing is described yet)';
  return ask(services, scope, 'forprompt.generate-prompt', 'generate-prompt', generatedPromptReply, `Write the system prompt for this description:\n${description}`);
}
