// @forprompt/sdk: cached prompt reads that survive outages, batched tracing, PII redaction.
// Zero runtime dependencies: only fetch, timers and Web Crypto (Node 20+, browsers, Deno, Bun, edge).
export { ForPrompt, type SyncHandle, type SyncOptions } from './client.js';
export { createForPrompt, forprompt, createLogger, logger, ForPromptLogger, type LogOptions, type SingleRequestOptions } from './compat.js';
export {
  ForPromptError,
  ConfigurationError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APITimeoutError,
  type APIErrorInit,
} from './errors.js';
export { resolveOptions, normalizeBaseUrl, DEFAULT_BASE_URL, type ForPromptOptions, type ResolvedOptions, type SdkLogger, type FetchFunction } from './config.js';
export { TextPrompt, ChatPrompt, PromptTypeError, type Prompt, type PromptData, type PromptFallback, type PromptSource, type ChatMessage, type CompileOptions, type Variables } from './prompt.js';
export type { GetPromptOptions } from './prompt-reader.js';
export {
  PromptList,
  type PromptSummary,
  type PromptVersionInput,
  type CreatePromptInput,
  type SavedPrompt,
  type LabelsSet,
  type ListPromptsOptions,
  type PromptPage,
  type PromotionRequest,
  type WriteOptions,
  promptMetadataFields,
} from './prompts.js';
export type { SnapshotDocument, SnapshotSource } from './snapshot.js';
export type { PromptStore, StoredPrompt } from './store.js';
export { indexedDbStore } from './browser-store.js';
export { redactText, type RedactionOptions, type RedactionPattern, type BuiltInPattern } from './redact.js';
export { Trace, Span, type TraceOptions, type TraceUpdate, type SpanOptions, type GenerationOptions, type ToolCallOptions, type SpanEnd, type UsageInput } from './tracing/trace.js';
export type { TracingStats } from './tracing/queue.js';
export { compileTemplate, parseTemplate, MissingVariablesError, TemplateSyntaxError, type ParsedTemplate, type TemplatePart, type TemplateValue } from './template.js';
