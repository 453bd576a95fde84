import { compileTemplate, MissingVariablesError } from '@forprompt/sdk';
import type { ChatMessage } from '../ai/types.js';
import type { PromptVersionView } from '../data/prompts.js';
import { ValidationError } from '../errors.js';

/** A version made ready for a chat call: its system prompt and any turns it starts with, variables filled in. */
export interface CompiledVersion {
  system: string;
  messages: ChatMessage[];
}

/**
 * Fills a version's variables with the template compiler the SDK uses, so the playground and test runs
 * send what an application would. A text prompt is the system prompt; a chat prompt's system messages
 * are, and its other messages open the conversation. A missing variable is a 400 naming it.
 */
export function compileVersion(version: PromptVersionView, variables: Record<string, string>): CompiledVersion {
  try {
    if (version.template !== null) return { system: compileTemplate(version.template, variables), messages: [] };
    const messages = (version.messages ?? []).map((message) => ({ role: message.role, content: compileTemplate(message.content, variables) }));
    return {
      system: messages.filter((message) => message.role === 'system').map((message) => message.content).join('\n\n'),
      messages: messages.filter((message): message is ChatMessage => message.role === 'user' || message.role === 'assistant'),
    };
  } catch (error) {
    if (error instanceof MissingVariablesError) throw new ValidationError(`Missing template variables: ${error.missing.join(', ')}`, error.missing.map((name) => ({ path: `variables.${name}`, message: 'required by the template' })), 'missing_variables');
    throw error;
  }
}

/** The version's text as the models are shown it (analysis, reports, the suite generator and the judge). */
export function versionText(version: PromptVersionView): string {
  return version.template ?? (version.messages ?? []).map((message) => `[${message.role}]\n${message.content}`).join('\n\n');
}
