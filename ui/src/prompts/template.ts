// The SDK's template compiler, bundled: the dashboard previews exactly what applications will get.
import { compileTemplate, parseTemplate, TemplateSyntaxError } from '../../../sdk/src/template';
import type { ChatMessage } from './api';

/** A draft being edited: a text template or chat messages. */
export type Draft = { kind: 'text'; template: string } | { kind: 'chat'; messages: ChatMessage[] };

export interface DraftAnalysis {
  /** Each variable once, in order of first use. */
  variables: string[];
  /** The first syntax error ("Unclosed "{{" at line 1, column 7"), where the text can't be parsed. */
  syntaxError: string | null;
}

function sourcesOf(draft: Draft): string[] {
  return draft.kind === 'text' ? [draft.template] : draft.messages.map((message) => message.content);
}

export function analyseDraft(draft: Draft): DraftAnalysis {
  const variables: string[] = [];
  for (const source of sourcesOf(draft)) {
    try {
      for (const name of parseTemplate(source).variables) if (!variables.includes(name)) variables.push(name);
    } catch (error) {
      if (error instanceof TemplateSyntaxError) return { variables, syntaxError: error.message };
      throw error;
    }
  }
  return { variables, syntaxError: null };
}

/** Fills what the user typed; unfilled variables stay visible as `{{name}}` (lenient mode). */
export function compileDraft(draft: Draft, values: Record<string, string>): string[] {
  const filled = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
  return sourcesOf(draft).map((source) => compileTemplate(source, filled, { lenient: true }));
}
