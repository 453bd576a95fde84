/**
 * The original `@forprompt/sdk` (0.1.x) exports, kept working on top of the new client:
 * `createForPrompt`, a default `forprompt` client configured from the environment on first use (never
 * at import), and the logger (`createLogger`, `startTrace`, `log`, `logRequest`, `endTrace`), which
 * now queues events instead of sending one request per message.
 */
import { ForPrompt } from './client.js';
import type { ForPromptOptions } from './config.js';
import type { Trace } from './tracing/trace.js';

export function createForPrompt(options: ForPromptOptions = {}): ForPrompt {
  return new ForPrompt(options);
}

/** The default client: reads FORPROMPT_API_KEY and FORPROMPT_BASE_URL when first used. */
export const forprompt: ForPrompt = /* @__PURE__ */ new ForPrompt();

/** What the original logger recorded about a model's answer. */
interface AnswerDetails {
  model?: string;
  tokens?: { input?: number; output?: number };
  durationMs?: number;
  metadata?: Record<string, unknown>;
}

export interface LogOptions extends AnswerDetails {
  role: 'user' | 'assistant' | 'system';
  content: string;
}

/** One request and its answer, logged as a trace of two message spans. */
export interface SingleRequestOptions extends AnswerDetails {
  promptKey: string;
  versionNumber?: number;
  traceId?: string;
  input: string;
  output: string;
}

/** The original's conversation logger: one current trace at a time. */
export class ForPromptLogger {
  readonly #client: ForPrompt;
  readonly #source: string;
  #trace: Trace | null = null;
  #versionNumber: number | null = null;

  constructor(client: ForPrompt | (ForPromptOptions & { source?: string }) = {}) {
    this.#client = client instanceof ForPrompt ? client : new ForPrompt(client);
    this.#source = client instanceof ForPrompt ? 'sdk' : (client.source ?? 'sdk');
  }

  /** Starts a trace (a conversation) and returns its id. */
  startTrace(promptKey: string, options: { traceId?: string; versionNumber?: number } = {}): string {
    this.#versionNumber = options.versionNumber ?? null;
    this.#trace = this.#client.trace({ id: options.traceId, promptKey, version: options.versionNumber, source: this.#source });
    return this.#trace.id;
  }

  /** Logs a message in the current trace (started on demand). Queued: resolves at once, never rejects. */
  async log(options: LogOptions): Promise<void> {
    const trace = (this.#trace ??= this.#client.trace({ source: this.#source }));
    trace.span({
      type: 'message',
      role: options.role,
      ...(options.role === 'assistant' ? { output: options.content } : { input: options.content }),
      model: options.model,
      usage: options.tokens,
      durationMs: options.durationMs,
      metadata: options.metadata,
    });
  }

  /** Logs one request and its answer as a new trace of its own; the current trace is left as it is. */
  async logRequest(options: SingleRequestOptions): Promise<{ traceId: string }> {
    const trace = this.#client.trace({
      id: options.traceId,
      promptKey: options.promptKey,
      version: options.versionNumber,
      source: this.#source,
      model: options.model,
      input: options.input,
      output: options.output,
    });
    trace.span({ type: 'message', role: 'user', input: options.input });
    trace.span({ type: 'message', role: 'assistant', output: options.output, model: options.model, usage: options.tokens, durationMs: options.durationMs, metadata: options.metadata });
    trace.end();
    return { traceId: trace.id };
  }

  /** Marks the current trace completed and forgets it. */
  async endTrace(): Promise<void> {
    this.#trace?.end();
    this.#trace = null;
    this.#versionNumber = null;
  }

  getTraceId(): string | null {
    return this.#trace?.id ?? null;
  }

  getVersionNumber(): number | null {
    return this.#versionNumber;
  }

  isTracing(): boolean {
    return this.#trace !== null;
  }

  /** Sends what is queued (see `ForPrompt.flush`). */
  flush(): Promise<unknown> {
    return this.#client.flush();
  }
}

export function createLogger(options: ForPromptOptions & { source?: string } = {}): ForPromptLogger {
  return new ForPromptLogger(options);
}

/** The default logger, on the default client. */
export const logger: ForPromptLogger = /* @__PURE__ */ new ForPromptLogger(forprompt);
