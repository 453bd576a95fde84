import type { HttpClient } from './http.js';
import type { ChatMessage, PromptData } from './prompt.js';
import { randomId } from './tracing/ids.js';

/** A prompt in lists and after writes (`GET /api/v1/prompts`). */
export interface PromptSummary {
  key: string;
  name: string;
  description: string | null;
  type: 'text' | 'chat';
  tags: string[];
  /** label → version number */
  labels: Record<string, number>;
  latestVersion: number | null;
  updatedAt: string;
}

/** A protected label move that awaits an admin (the label did not move). */
export interface PromotionRequest {
  id: string;
  promptKey: string;
  label: string;
  fromVersion: number | null;
  toVersion: number;
  currentVersion: number | null;
  status: 'pending' | 'approved' | 'rejected' | 'cancelled' | 'superseded';
  comment: string | null;
  requestedBy: { userId: string | null; apiKeyId: string | null; name: string | null };
  decidedBy: { userId: string; name: string | null } | null;
  decidedAt: string | null;
  decisionNote: string | null;
  createdAt: string;
}

/** The original ForPrompt's structured metadata of a prompt, in its form order (shared by the engine and the CLI). */
export const promptMetadataFields = [
  'purpose',
  'expectedBehavior',
  'inputFormat',
  'outputFormat',
  'constraints',
  'useCases',
  'additionalNotes',
  'toolsNotes',
  'referencePrompt',
] as const;

/** A new version's content and the prompt's details; what is left out stays as it is. */
export interface PromptVersionInput {
  name?: string;
  description?: string | null;
  type?: 'text' | 'chat';
  tags?: string[];
  template?: string;
  messages?: ChatMessage[];
  config?: Record<string, unknown>;
  commitMessage?: string | null;
  /** Labels to point at the new version (e.g. `['production']`); protected ones become promotion requests. */
  labels?: string[];
  purpose?: string | null;
  expectedBehavior?: string | null;
  inputFormat?: string | null;
  outputFormat?: string | null;
  constraints?: string | null;
  useCases?: string | null;
  additionalNotes?: string | null;
  toolsNotes?: string | null;
  referencePrompt?: string | null;
}

export interface CreatePromptInput extends PromptVersionInput {
  key: string;
}

export interface SavedPrompt {
  /** Whether this call created the prompt (else it added a version or updated details). */
  created: boolean;
  prompt: PromptSummary;
  /** The version this call added, if it sent a template or messages. */
  version: PromptData | null;
  promotionRequests: PromotionRequest[];
}

export interface LabelsSet extends PromptSummary {
  promotionRequests: PromotionRequest[];
  /** True when some moves were of protected labels and now await an admin (HTTP 202). */
  pending: boolean;
}

export interface ListPromptsOptions {
  tag?: string;
  label?: string;
  /** Page size (1–200, default 50). */
  limit?: number;
}

export interface PromptPage {
  prompts: PromptSummary[];
  nextCursor: string | null;
}

export interface WriteOptions {
  /** Sent as Idempotency-Key. Default: a fresh one per call, so the SDK's own retries never add a version twice. */
  idempotencyKey?: string;
}

/**
 * `for await (const prompt of fp.prompts.list())` walks every page; `.pages()` yields the pages
 * themselves.
 */
export class PromptList implements AsyncIterable<PromptSummary> {
  constructor(
    private readonly fetchPage: (cursor: string | undefined) => Promise<PromptPage>,
  ) {}

  async *pages(): AsyncGenerator<PromptPage> {
    let cursor: string | undefined;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<PromptSummary> {
    for await (const page of this.pages()) yield* page.prompts;
  }
}

/** Management calls for pipelines and CI: create prompts, add versions, move labels, list. */
export class PromptsApi {
  constructor(
    private readonly http: () => HttpClient,
    /** Called after a write, so this client's cache does not serve what the write replaced. */
    private readonly changed: (key: string) => void,
  ) {}

  /** Creates the prompt (with version 1 when a template or messages are given); for an existing key, adds a version. */
  async create(input: CreatePromptInput, options: WriteOptions = {}): Promise<SavedPrompt> {
    const response = await this.http().request<SavedPrompt>({
      method: 'POST',
      path: '/api/v1/prompts',
      body: input,
      idempotencyKey: options.idempotencyKey ?? randomId(),
    });
    this.changed(input.key);
    return response.data!;
  }

  /** Adds a version to an existing prompt (`template` for text prompts, `messages` for chat prompts). */
  createVersion(key: string, input: PromptVersionInput, options: WriteOptions = {}): Promise<SavedPrompt> {
    return this.create({ ...input, key }, options);
  }

  /** Points labels at versions, e.g. `{ production: 3 }`; moving `production` deploys. */
  async setLabels(key: string, labels: Record<string, number>): Promise<LabelsSet> {
    const response = await this.http().request<Omit<LabelsSet, 'pending'>>({
      method: 'PATCH',
      path: `/api/v1/prompts/${encodeURIComponent(key)}/labels`,
      body: { labels },
    });
    this.changed(key);
    return { ...response.data!, pending: response.status === 202 };
  }

  list(options: ListPromptsOptions = {}): PromptList {
    return new PromptList(async (cursor) => {
      const response = await this.http().request<PromptPage>({
        method: 'GET',
        path: '/api/v1/prompts',
        query: { limit: options.limit, tag: options.tag, label: options.label, cursor },
      });
      return response.data!;
    });
  }
}
