import type { Config } from '../config.js';
import type { OrganizationAiSetting } from '../data/ai-settings.js';
import type { DataProvider, WriteContext } from '../data/provider.js';
import { AppError, RateLimitedError, ValidationError } from '../errors.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { Logger } from '../logger.js';
import { AiDisabledError, ENABLE_AI_HINT } from './errors.js';
import { meteredProvider, type CallOutcome } from './metered.js';
import { createAiProvider, type ProviderOptions } from './providers.js';
import { instanceSettings, organizationAiStatus, organizationAiView, resolveProvider, type OrganizationAiView, type ProviderSource, type ResolveDependencies, type ResolvedProvider } from './resolve.js';
import type { AiProvider, AiProviderName } from './types.js';

/** Who a call is for and why: what the usage log records with it. */
export interface AiScope {
  organizationId: string;
  projectId?: string | null;
  userId?: string | null;
  /** The feature making the calls, as the usage log names it: `analysis`, `edit`, `test-run`, … */
  feature: string;
}

/** A feature letting the user pick the provider (e.g. the playground); by default the organization's. */
export interface AiChoice {
  provider?: AiProviderName;
}

export interface AiSession {
  /** Every chat call through it is recorded in ai_usage_logs and the organization's AI-token counter. */
  provider: AiProvider;
  source: ProviderSource;
}

export type AiStatus = (
  | { enabled: true; provider: AiProviderName; source: ProviderSource; defaultModel: string | null }
  | { enabled: false; provider: null; source: null; defaultModel: null; hint: string }
) &
  OrganizationAiView;

export interface AiServiceDependencies {
  config: Config;
  provider: DataProvider;
  secretBox: SecretBox;
  logger: Logger;
}

/** The prompt of a provider check: the smallest chat that proves key, model and server work. */
const CHECK_PROMPT = 'Reply with the single word: ok';

/**
 * The AI features' one entry point: which provider an organization uses (instance or its own key),
 * the per-organization request limit, and usage recording. Features ask for a session and call its
 * provider; they never build clients or read keys themselves.
 */
export class AiService {
  private readonly providerOptions: ProviderOptions;

  constructor(private readonly deps: AiServiceDependencies) {
    this.providerOptions = { timeoutMs: deps.config.ai.timeoutMs, appUrl: deps.config.publicUrl };
  }

  /** The instance's own provider (what /api/config reports; organizations may add their own keys). */
  instanceStatus(): { enabled: boolean; provider: AiProviderName | null; defaultModel: string | null } {
    const { ai } = this.deps.config;
    const settings = ai.provider ? instanceSettings(ai, ai.provider) : null;
    return { enabled: settings !== null, provider: settings?.name ?? null, defaultModel: settings?.defaultModel ?? null };
  }

  /** Whether the organization has AI, and with what; its own choice and the providers it may choose from. */
  async status(organizationId: string): Promise<AiStatus> {
    const { resolved, view } = await organizationAiStatus(this.resolveDependencies(), organizationId);
    if (!resolved) return { enabled: false, provider: null, source: null, defaultModel: null, hint: ENABLE_AI_HINT, ...view };
    return { enabled: true, provider: resolved.settings.name, source: resolved.source, defaultModel: resolved.settings.defaultModel, ...view };
  }

  /** Sets the organization's provider (one available to it, or null to follow the instance) and default model; answers the new status. */
  async updateSetting(ctx: WriteContext, organizationId: string, setting: OrganizationAiSetting): Promise<AiStatus> {
    if (setting.provider) {
      const { available } = await organizationAiView(this.resolveDependencies(), organizationId, null);
      if (!available.some((each) => each.provider === setting.provider)) {
        const message = `${setting.provider} is not available to this organization: add a provider key for it, or configure it on the instance`;
        throw new ValidationError(message, [{ path: 'body.provider', message }]);
      }
    }
    await this.deps.provider.aiSettings.put(ctx, organizationId, setting);
    return this.status(organizationId);
  }

  /**
   * For an AI endpoint a person or application called: the organization's provider (409 `ai_disabled`
   * without one), counted against its per-minute limit (429 `rate_limited`), recording usage.
   */
  async forRequest(scope: AiScope, choice: AiChoice = {}): Promise<AiSession> {
    const resolved = await this.require(scope.organizationId, choice);
    await this.admit(scope.organizationId);
    return this.session(resolved, scope);
  }

  /** Checks, before queuing work that will ask for it, that the organization can use the provider (409 `ai_disabled` naming it when not). */
  async assertAvailable(organizationId: string, choice: AiChoice): Promise<void> {
    await this.require(organizationId, choice);
  }

  /** For background work (reports, suite runs): no request limit — the job that runs it was counted. */
  async forJob(scope: AiScope, choice: AiChoice = {}): Promise<AiSession> {
    return this.session(await this.require(scope.organizationId, choice), scope);
  }

  /** The models the organization's provider offers (its list, or a fallback list when it cannot be read). */
  async listModels(organizationId: string, choice: AiChoice = {}, signal?: AbortSignal) {
    const resolved = await this.require(organizationId, choice);
    await this.admit(organizationId);
    const listed = await createAiProvider(resolved.settings, this.providerOptions).listModels({ signal });
    return { provider: resolved.settings.name, source: resolved.source, defaultModel: resolved.settings.defaultModel, models: listed.models, modelsSource: listed.source };
  }

  /** Runs a tiny chat: a failing provider is reported in the result (with its typed error's code), not thrown. */
  async checkProvider(scope: AiScope, choice: AiChoice & { model?: string } = {}, signal?: AbortSignal) {
    const { provider, source } = await this.forRequest(scope, choice);
    const started = Date.now();
    try {
      const result = await provider.chat({ model: choice.model, messages: [{ role: 'user', content: CHECK_PROMPT }], maxTokens: 256, signal });
      return { ok: true as const, provider: provider.name, source, model: result.model, latencyMs: Date.now() - started, reply: result.text.slice(0, 200), usage: result.usage };
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'ai_cancelled') throw error;
      const model = choice.model ?? provider.defaultModel;
      return { ok: false as const, provider: provider.name, source, model, latencyMs: Date.now() - started, error: { code: error.code, message: error.message, details: error.details } };
    }
  }

  private resolveDependencies(): ResolveDependencies {
    return { ai: this.deps.config.ai, providerKeys: this.deps.provider.providerKeys, aiSettings: this.deps.provider.aiSettings, secretBox: this.deps.secretBox };
  }

  private resolve(organizationId: string, choice: AiChoice = {}): Promise<ResolvedProvider | null> {
    return resolveProvider(this.resolveDependencies(), organizationId, choice.provider);
  }

  private async require(organizationId: string, choice: AiChoice): Promise<ResolvedProvider> {
    const resolved = await this.resolve(organizationId, choice);
    if (resolved) return resolved;
    if (choice.provider) throw new AiDisabledError(`${choice.provider} is not configured for this organization`);
    throw new AiDisabledError();
  }

  private async admit(organizationId: string): Promise<void> {
    const limit = this.deps.config.ai.rateLimitPerMinute;
    if (limit === 0) return;
    const result = await this.deps.provider.rateLimits.hit(`ai:${organizationId}`, { limit, windowSeconds: 60 });
    if (result.allowed) return;
    const retryAfter = Math.max(1, Math.ceil((result.resetAt.getTime() - Date.now()) / 1000));
    throw new RateLimitedError(retryAfter, `Rate limit exceeded: ${limit} AI requests per minute for this organization (AI_RATE_LIMIT_PER_MINUTE)`);
  }

  private session(resolved: ResolvedProvider, scope: AiScope): AiSession {
    const inner = createAiProvider(resolved.settings, this.providerOptions);
    const record = async (outcome: CallOutcome) => {
      try {
        await this.deps.provider.aiUsage.record({
          organizationId: scope.organizationId,
          projectId: scope.projectId ?? null,
          userId: scope.userId ?? null,
          feature: scope.feature,
          provider: resolved.settings.name,
          model: outcome.model,
          providerKeyId: resolved.providerKeyId,
          inputTokens: outcome.usage.inputTokens,
          outputTokens: outcome.usage.outputTokens,
          latencyMs: outcome.latencyMs,
          status: outcome.status,
          errorCode: outcome.errorCode,
        });
      } catch (error) {
        // The call itself succeeded or failed on its own: a lost usage row must not change its answer.
        this.deps.logger.warn({ err: error, organizationId: scope.organizationId, feature: scope.feature }, 'Recording AI usage failed');
      }
    };
    return { provider: meteredProvider(inner, record), source: resolved.source };
  }
}
