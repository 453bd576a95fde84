import { PromptCache, scopeOf } from './cache.js';
import { resolveOptions, type ForPromptOptions, type ResolvedOptions } from './config.js';
import { HttpClient } from './http.js';
import type { ChatPrompt, Prompt, TextPrompt } from './prompt.js';
import { PromptReader, type GetPromptOptions } from './prompt-reader.js';
import { PromptsApi } from './prompts.js';
import { createRedactor } from './redact.js';
import { OfflineSnapshot } from './snapshot.js';
import { selectStore } from './store.js';
import { EventQueue, type TracingStats } from './tracing/queue.js';
import { Trace, type Emit, type TraceOptions } from './tracing/trace.js';

export interface SyncOptions {
  /** Between polls of the snapshot (default 60,000 ms). */
  intervalMs?: number;
  onSync?: (result: { prompts: number; changed: boolean }) => void;
  /** Default: a warning through the client's logger. */
  onError?: (error: unknown) => void;
}

export interface SyncHandle {
  /** Settles after the first poll (never rejects). */
  readonly ready: Promise<void>;
  stop(): void;
}

interface ClientState {
  options: ResolvedOptions;
  http: HttpClient;
  reader: PromptReader;
  queue: EventQueue;
}

const GET_PROMPTS_CONCURRENCY = 5;
const NO_EVENTS: TracingStats = { queued: 0, sent: 0, refused: 0, dropped: 0 };

/**
 * The ForPrompt client. Creating one never throws and never reaches the network: options (then
 * `FORPROMPT_API_KEY` / `FORPROMPT_BASE_URL`, then defaults) are resolved on first use, and a missing
 * key fails then with a typed error.
 */
export class ForPrompt {
  /** Management calls for pipelines: create prompts, add versions, move labels, list. */
  readonly prompts: PromptsApi;
  readonly #options: ForPromptOptions;
  #state: ClientState | undefined;
  readonly #syncs = new Set<ReturnType<typeof setInterval>>();
  #warnedTracing = false;

  constructor(options: ForPromptOptions = {}) {
    this.#options = { ...options };
    this.prompts = new PromptsApi(
      () => this.#get().http,
      (key) => this.#get().reader.forget(key),
    );
  }

  #get(): ClientState {
    if (this.#state) return this.#state;
    const options = resolveOptions(this.#options);
    const http = new HttpClient(options);
    const reader = new PromptReader({
      http,
      cache: new PromptCache(selectStore(this.#options.store), options.logger),
      scope: scopeOf(options.baseUrl, options.apiKey),
      ttlSeconds: options.cacheTtlSeconds,
      snapshot: this.#options.snapshot ? new OfflineSnapshot(this.#options.snapshot) : null,
      logger: options.logger,
    });
    const queue = new EventQueue(http, options, createRedactor(this.#options.redact), options.logger);
    this.#state = { options, http, reader, queue };
    return this.#state;
  }

  /**
   * A prompt by key: the `production` label unless `label` or `version` says otherwise. Served from
   * the cache when fresh (no network), at once when stale (refreshed in the background), and from a
   * stale entry, the `fallback` or the offline snapshot when ForPrompt cannot be reached.
   */
  getPrompt(key: string, options: GetPromptOptions & { type: 'chat' }): Promise<ChatPrompt>;
  getPrompt(key: string, options: GetPromptOptions & { type: 'text' }): Promise<TextPrompt>;
  getPrompt(key: string, options?: GetPromptOptions): Promise<Prompt>;
  getPrompt(key: string, options?: GetPromptOptions): Promise<Prompt> {
    let state: ClientState;
    try {
      state = this.#get();
    } catch (error) {
      return Promise.reject(error);
    }
    return state.reader.get(key, options);
  }

  /** Several prompts by key (five requests at a time); keys that fail are left out of the map, with one warning. */
  async getPrompts(keys: string[], options?: Omit<GetPromptOptions, 'fallback' | 'type'>): Promise<Map<string, Prompt>> {
    const found = new Map<string, Prompt>();
    const failed: string[] = [];
    for (let start = 0; start < keys.length; start += GET_PROMPTS_CONCURRENCY) {
      const slice = keys.slice(start, start + GET_PROMPTS_CONCURRENCY);
      const results = await Promise.allSettled(slice.map((key) => this.getPrompt(key, options)));
      results.forEach((result, index) => {
        if (result.status === 'fulfilled') found.set(slice[index]!, result.value);
        else failed.push(`${slice[index]} (${(result.reason as Error).message})`);
      });
    }
    if (failed.length > 0) this.#warn(`getPrompts left out ${failed.length} prompt(s): ${failed.join('; ')}`);
    return found;
  }

  /** Warms the cache with every labelled version of the project (`GET /api/v1/snapshot`, revalidated by ETag). */
  async preload(): Promise<{ prompts: number; changed: boolean }> {
    return this.#get().reader.preload();
  }

  /**
   * Keeps every labelled prompt fresh by polling the snapshot (with its ETag, so an unchanged project
   * costs a 304). The timer does not keep a Node process alive; `stop()` or `shutdown()` ends it.
   */
  sync(options: SyncOptions = {}): SyncHandle {
    let running = false;
    const poll = async () => {
      if (running) return;
      running = true;
      try {
        const result = await this.preload();
        options.onSync?.(result);
      } catch (error) {
        if (options.onError) options.onError(error);
        else this.#warn(`Syncing prompts failed: ${(error as Error).message}`);
      } finally {
        running = false;
      }
    };
    const timer = setInterval(() => void poll(), options.intervalMs ?? 60_000);
    (timer as { unref?: () => void }).unref?.();
    this.#syncs.add(timer);
    return {
      ready: poll(),
      stop: () => {
        clearInterval(timer);
        this.#syncs.delete(timer);
      },
    };
  }

  /** Starts a trace. Recording never throws into your code and never waits for the network. */
  trace(options: TraceOptions = {}): Trace {
    return new Trace(this.#emit, options);
  }

  readonly #emit: Emit = (type, body) => {
    try {
      const state = this.#get();
      if (state.options.tracingEnabled) state.queue.push(type, body);
    } catch (error) {
      if (!this.#warnedTracing) {
        this.#warnedTracing = true;
        this.#warn(`Tracing is off: ${(error as Error).message}`);
      }
    }
  };

  /** Counters of the tracing queue: queued, sent, refused, dropped. */
  tracingStats(): TracingStats {
    return this.#state?.queue.stats ?? { ...NO_EVENTS };
  }

  /** Sends every queued event now; resolves when delivered (or when ForPrompt could not be reached). Never rejects. */
  flush(): Promise<TracingStats> {
    return this.#state?.queue.flush() ?? Promise.resolve({ ...NO_EVENTS });
  }

  /** Stops `sync()` polling and flushes the tracing queue. Call it before your process exits. */
  async shutdown(): Promise<TracingStats> {
    for (const timer of this.#syncs) clearInterval(timer);
    this.#syncs.clear();
    return this.#state?.queue.shutdown() ?? { ...NO_EVENTS };
  }

  /** Through the configured logger, even when the rest of the options could not be resolved. */
  #warn(message: string): void {
    const logger = this.#state?.options.logger ?? this.#options.logger;
    if (logger === false) return;
    if (logger) logger.warn(message);
    else console.warn(`[forprompt] ${message}`);
  }
}
