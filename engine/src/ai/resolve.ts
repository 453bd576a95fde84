import type { Config } from '../config.js';
import type { ProviderKey, ProviderKeyStore } from '../data/provider.js';
import type { SecretBox } from '../lib/secret-box.js';
import { DEFAULT_MODELS } from './models.js';
import type { AiProviderName, ProviderSettings } from './types.js';

type AiConfig = Config['ai'];

/** Where a provider's key comes from: the instance's environment, or the organization's own provider key. */
export type ProviderSource = 'instance' | 'organization';

export interface ResolvedProvider {
  settings: ProviderSettings;
  source: ProviderSource;
  /** The organization's key in use (null with the instance's). */
  providerKeyId: string | null;
}

/** Services an organization can bring a key for, in the order one is picked when the instance has no provider. */
const KEYED_SERVICES: ProviderKey['service'][] = ['openrouter', 'openai', 'anthropic', 'custom'];

/** AI_MODEL applies to the instance's provider; the others keep their built-in default. */
function defaultModelOf(ai: AiConfig, name: AiProviderName): string | null {
  const override = ai.provider === name ? ai.model : undefined;
  if (name === 'ollama') return override ?? ai.ollama.model;
  if (name === 'custom') return override ?? null;
  return override ?? DEFAULT_MODELS[name];
}

/** The instance's settings for a provider, or null when the environment does not configure it. */
export function instanceSettings(ai: AiConfig, name: AiProviderName): ProviderSettings | null {
  const defaultModel = defaultModelOf(ai, name);
  switch (name) {
    case 'openrouter':
    case 'openai':
    case 'anthropic': {
      const { apiKey, baseUrl } = ai[name];
      return apiKey ? { name, baseUrl, apiKey, defaultModel } : null;
    }
    case 'ollama':
      return ai.ollama.baseUrl ? { name, baseUrl: ai.ollama.baseUrl, apiKey: null, defaultModel } : null;
    case 'custom':
      return ai.custom.baseUrl ? { name, baseUrl: ai.custom.baseUrl, apiKey: ai.custom.apiKey ?? null, defaultModel } : null;
  }
}

export interface ResolveDependencies {
  ai: AiConfig;
  providerKeys: ProviderKeyStore;
  secretBox: SecretBox;
}

/**
 * The provider an organization's AI calls use, or null when it has none (AI disabled for it):
 * - `requested` (a feature letting the user pick): the organization's key for it, else the instance's;
 * - otherwise the instance's provider (AI_PROVIDER) — with the organization's key for it when it has one;
 * - an instance without a provider: the organization's first key (OpenRouter, OpenAI, Anthropic, custom).
 * Several keys for one service: the newest. A key without its own base URL goes where the instance
 * sends that provider's calls (OPENAI_BASE_URL, …); a custom key needs its base URL.
 */
export async function resolveProvider(deps: ResolveDependencies, organizationId: string, requested?: AiProviderName): Promise<ResolvedProvider | null> {
  const keys = (await deps.providerKeys.list(organizationId)).filter((key) => key.service !== 'custom' || key.baseUrl);
  const newestKeyFor = (service: AiProviderName) =>
    keys.filter((key) => key.service === service).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];

  const wanted = requested ?? deps.ai.provider ?? KEYED_SERVICES.find((service) => newestKeyFor(service));
  if (!wanted) return null;
  const key = newestKeyFor(wanted);
  if (key) {
    const secret = await deps.providerKeys.getEncrypted(organizationId, key.id);
    // Deleted in the meantime: fall through to the instance's.
    if (secret !== null) return { settings: organizationSettings(deps.ai, key, deps.secretBox.open(secret)), source: 'organization', providerKeyId: key.id };
  }
  const settings = instanceSettings(deps.ai, wanted);
  return settings ? { settings, source: 'instance', providerKeyId: null } : null;
}

function organizationSettings(ai: AiConfig, key: ProviderKey, apiKey: string): ProviderSettings {
  const name = key.service;
  const baseUrl = key.baseUrl ?? (name === 'custom' ? '' : ai[name].baseUrl);
  // A custom server's models are its own: AI_MODEL (meant for the instance's) does not apply.
  const defaultModel = name === 'custom' ? null : defaultModelOf(ai, name);
  return { name, baseUrl: baseUrl.replace(/\/+$/, ''), apiKey, defaultModel };
}
