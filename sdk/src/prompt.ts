import { ForPromptError } from './errors.js';
import { compileTemplate, MissingVariablesError, parseTemplate, type ParsedTemplate, type TemplateValue } from './template.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A prompt version as the engine resolves it (`GET /api/v1/prompts/:key`, and each entry of the snapshot). */
export interface PromptData {
  key: string;
  name: string;
  description: string | null;
  type: 'text' | 'chat';
  version: number;
  /** The labels pointing at this version (including `latest`). */
  labels: string[];
  template: string | null;
  messages: ChatMessage[] | null;
  config: Record<string, unknown>;
  variables: string[];
  tools: unknown[];
  commitMessage: string | null;
  /** ISO 8601. */
  updatedAt: string;
}

/** Where a prompt came from: the engine (fresh or cached), the offline snapshot, or the caller's fallback. */
export type PromptSource = 'server' | 'snapshot' | 'fallback';

export type CompileOptions = { lenient?: boolean };
export type Variables = Record<string, TemplateValue>;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

abstract class BasePrompt {
  readonly key: string;
  readonly name: string;
  readonly description: string | null;
  readonly version: number;
  readonly labels: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
  readonly variables: readonly string[];
  readonly tools: readonly unknown[];
  readonly commitMessage: string | null;
  readonly updatedAt: string;

  readonly data: PromptData;

  constructor(
    data: PromptData,
    readonly source: PromptSource,
  ) {
    // Cached prompts are shared by every caller: nobody may change them in place.
    this.data = deepFreeze(data);
    this.key = data.key;
    this.name = data.name;
    this.description = data.description;
    this.version = data.version;
    this.labels = data.labels;
    this.config = data.config;
    this.variables = data.variables;
    this.tools = data.tools;
    this.commitMessage = data.commitMessage;
    this.updatedAt = data.updatedAt;
  }

  /** Whether this is the caller's fallback rather than a version from ForPrompt. */
  get isFallback(): boolean {
    return this.source === 'fallback';
  }

  /** The original SDK's name for `version`. */
  get versionNumber(): number {
    return this.version;
  }

  /** The original SDK's prompt text: the template, or a chat prompt's messages joined by blank lines (as the engine's original API does). */
  abstract get systemPrompt(): string;

  toJSON(): PromptData {
    return this.data;
  }
}

/** A text prompt: `compile(variables)` fills its `{{placeholders}}` and returns the text. */
export class TextPrompt extends BasePrompt {
  readonly type = 'text' as const;
  readonly template: string;
  readonly messages = null;
  #parsed: ParsedTemplate | undefined;

  constructor(data: PromptData, source: PromptSource) {
    super(data, source);
    this.template = data.template ?? '';
  }

  get systemPrompt(): string {
    return this.template;
  }

  /** Fills the template; a missing variable throws MissingVariablesError naming all of them (unless `lenient`). */
  compile(variables: Variables = {}, options: CompileOptions = {}): string {
    this.#parsed ??= parseTemplate(this.template);
    return compileTemplate(this.#parsed, variables, options);
  }
}

/** A chat prompt: `messages` as stored, `compile(variables)` returns them with placeholders filled. */
export class ChatPrompt extends BasePrompt {
  readonly type = 'chat' as const;
  readonly template = null;
  readonly messages: readonly ChatMessage[];
  #parsed: ParsedTemplate[] | undefined;

  constructor(data: PromptData, source: PromptSource) {
    super(data, source);
    this.messages = data.messages ?? [];
  }

  get systemPrompt(): string {
    return this.messages.map((message) => message.content).join('\n\n');
  }

  compile(variables: Variables = {}, options: CompileOptions = {}): ChatMessage[] {
    this.#parsed ??= this.messages.map((message) => parseTemplate(message.content));
    const parsed = this.#parsed;
    if (options.lenient) return this.messages.map((message, index) => ({ role: message.role, content: compileTemplate(parsed[index]!, variables, options) }));
    // All missing names at once, across messages, as a single error.
    const missing = new Set<string>();
    for (const template of parsed) for (const name of template.variables) if (variables[name] === undefined || variables[name] === null) missing.add(name);
    if (missing.size > 0) throw new MissingVariablesError([...missing]);
    return this.messages.map((message, index) => ({ role: message.role, content: compileTemplate(parsed[index]!, variables) }));
  }
}

export type Prompt = TextPrompt | ChatPrompt;

export function toPrompt(data: PromptData, source: PromptSource): Prompt {
  return data.type === 'chat' ? new ChatPrompt(data, source) : new TextPrompt(data, source);
}

/** What a caller may give as `fallback`: a text template, chat messages, or a fuller description. */
export type PromptFallback = string | ChatMessage[] | (Partial<PromptData> & ({ template: string } | { messages: ChatMessage[] }));

/** The caller's fallback as a prompt (version 0, no labels, `isFallback`). */
export function fallbackPrompt(key: string, fallback: PromptFallback): Prompt {
  const given: Partial<PromptData> = typeof fallback === 'string' ? { template: fallback } : Array.isArray(fallback) ? { messages: fallback } : fallback;
  // Copies: the prompt is frozen, the caller's values must stay as they were.
  const messages = given.messages?.map((message) => ({ role: message.role, content: message.content })) ?? null;
  const template = messages ? null : (given.template ?? '');
  const sources = template !== null ? [template] : (messages ?? []).map((message) => message.content);
  const variables = [...new Set(sources.flatMap((source) => parseTemplate(source).variables))];
  return toPrompt(
    {
      key,
      name: given.name ?? key,
      description: given.description ?? null,
      type: messages ? 'chat' : 'text',
      version: given.version ?? 0,
      labels: [...(given.labels ?? [])],
      template,
      messages,
      config: JSON.parse(JSON.stringify(given.config ?? {})) as Record<string, unknown>,
      variables,
      tools: JSON.parse(JSON.stringify(given.tools ?? [])) as unknown[],
      commitMessage: null,
      updatedAt: given.updatedAt ?? new Date(0).toISOString(),
    },
    'fallback',
  );
}

/** A loose check of data read from a store or snapshot file, so a corrupt entry is skipped rather than served. */
export function isPromptData(value: unknown): value is PromptData {
  const data = value as PromptData | null;
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof data.key === 'string' &&
    typeof data.version === 'number' &&
    Array.isArray(data.labels) &&
    (data.type === 'text' ? typeof data.template === 'string' : data.type === 'chat' && Array.isArray(data.messages))
  );
}

/** Thrown by `getPrompt(key, { type })` when the prompt is of the other type. */
export class PromptTypeError extends ForPromptError {
  constructor(key: string, expected: string, actual: string) {
    super(`Prompt "${key}" is a ${actual} prompt, not ${expected}`, undefined, 'WRONG_PROMPT_TYPE');
  }
}
