import { aiProviderNames, type Config } from '../config.js';
import type { AiSettingsStore, OrganizationAiSetting } from '../data/ai-settings.js';
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
  aiSettings: AiSettingsStore;
  secretBox: SecretBox;
}

/** A provider an organization may use: through its own key, else the instance's configuration. */
export interface AvailableProvider {
  provider: AiProviderName;
  source: ProviderSource;
  /** The provider's own default (AI_MODEL for the instance's provider), before the organization's choice. */
  defaultModel: string | null;
}

/** What the AI status tells about an organization's choice besides the provider in use. */
export interface OrganizationAiView {
  setting: OrganizationAiSetting;
  available: AvailableProvider[];
  /** The provider the organization follows when it chooses none (null: AI off without a choice). */
  instanceDefault: AiProviderName | null;
  /** Set when the chosen provider is no longer available and the organization's calls fall back. */
  notice?: string;
}

/** An organization's usable keys (a custom key needs its base URL), the newest first. */
async function usableKeys(providerKeys: ProviderKeyStore, organizationId: string): Promise<ProviderKey[]> {
  const keys = (await providerKeys.list(organizationId)).filter((key) => key.service !== 'custom' || key.baseUrl);
  return keys.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/**
 * The provider an organization's AI calls use, or null when it has none (AI disabled for it):
 * - `requested` (a feature letting the user pick): the organization's key for it, else the instance's;
 * - otherwise the organization's choice (Settings › AI), when it is still available;
 * - otherwise the instance's provider (AI_PROVIDER) — with the organization's key for it when it has one;
 * - an instance without a provider: the organization's first key (OpenRouter, OpenAI, Anthropic, custom).
 * The organization's chosen model is the default model of its chosen provider (of whichever provider
 * it follows when it chose none). Several keys for one service: the newest. A key without its own base
 * URL goes where the instance sends that provider's calls (OPENAI_BASE_URL, …); a custom key needs its base URL.
 */
export async function resolveProvider(deps: ResolveDependencies, organizationId: string, requested?: AiProviderName): Promise<ResolvedProvider | null> {
  return resolveFrom(deps, organizationId, await organizationAiInputs(deps, organizationId), requested);
}

/** What the resolution and the view of an organization read: its usable keys and its setting. */
interface OrganizationAiInputs {
  keys: ProviderKey[];
  setting: OrganizationAiSetting;
}

async function organizationAiInputs(deps: ResolveDependencies, organizationId: string): Promise<OrganizationAiInputs> {
  const [keys, setting] = await Promise.all([usableKeys(deps.providerKeys, organizationId), deps.aiSettings.get(organizationId)]);
  return { keys, setting };
}

/** The provider in use and the view of the organization's choice (the AI status), from one read of its keys and setting. */
export async function organizationAiStatus(deps: ResolveDependencies, organizationId: string): Promise<{ resolved: ResolvedProvider | null; view: OrganizationAiView }> {
  const inputs = await organizationAiInputs(deps, organizationId);
  const resolved = await resolveFrom(deps, organizationId, inputs);
  return { resolved, view: viewFrom(deps, inputs, resolved?.settings.name ?? null) };
}

async function resolveFrom(deps: ResolveDependencies, organizationId: string, { keys, setting }: OrganizationAiInputs, requested?: AiProviderName): Promise<ResolvedProvider | null> {
  const providerFor = async (name: AiProviderName): Promise<ResolvedProvider | null> => {
    const key = keys.find((candidate) => candidate.service === name);
    if (key) {
      const secret = await deps.providerKeys.getEncrypted(organizationId, key.id);
      // Deleted in the meantime: fall through to the instance's.
      if (secret !== null) return { settings: organizationSettings(deps.ai, key, deps.secretBox.open(secret)), source: 'organization', providerKeyId: key.id };
    }
    const settings = instanceSettings(deps.ai, name);
    return settings ? { settings, source: 'instance', providerKeyId: null } : null;
  };
  const withChosenModel = (resolved: ResolvedProvider | null) =>
    resolved && setting.model ? { ...resolved, settings: { ...resolved.settings, defaultModel: setting.model } } : resolved;

  if (requested) return requested === setting.provider ? withChosenModel(await providerFor(requested)) : providerFor(requested);
  if (setting.provider) {
    const chosen = await providerFor(setting.provider);
    // No longer available (its key deleted, the instance without it): as if nothing were chosen; the status says so.
    if (chosen) return withChosenModel(chosen);
  }
  const followed = followedProvider(deps.ai, keys);
  if (!followed) return null;
  return setting.provider ? providerFor(followed) : withChosenModel(await providerFor(followed));
}

/** The organization's setting, the providers it may choose from, and whether its choice still holds given what is in use. */
export async function organizationAiView(deps: ResolveDependencies, organizationId: string, inUse: AiProviderName | null): Promise<OrganizationAiView> {
  return viewFrom(deps, await organizationAiInputs(deps, organizationId), inUse);
}

function viewFrom(deps: ResolveDependencies, { keys, setting }: OrganizationAiInputs, inUse: AiProviderName | null): OrganizationAiView {
  const available = aiProviderNames.flatMap((provider): AvailableProvider[] => {
    if (keys.some((key) => key.service === provider)) return [{ provider, source: 'organization', defaultModel: keyDefaultModel(deps.ai, provider) }];
    const settings = instanceSettings(deps.ai, provider);
    return settings ? [{ provider, source: 'instance', defaultModel: settings.defaultModel }] : [];
  });
  const followed = followedProvider(deps.ai, keys);
  const instanceDefault = followed && available.some((each) => each.provider === followed) ? followed : null;
  if (!setting.provider || setting.provider === inUse) return { setting, available, instanceDefault };
  const instead = inUse ? `its AI uses ${inUse} instead` : 'its AI is off';
  return { setting, available, instanceDefault, notice: `${setting.provider} was chosen for this organization but is no longer available (no provider key for it, and the instance does not configure it): ${instead}.` };
}

/** Without a choice: the instance's provider (AI_PROVIDER), else the organization's first key. */
function followedProvider(ai: AiConfig, keys: ProviderKey[]): AiProviderName | undefined {
  return ai.provider ?? KEYED_SERVICES.find((service) => keys.some((key) => key.service === service));
}

/** A custom server's models are its own: AI_MODEL (meant for the instance's) does not apply. */
function keyDefaultModel(ai: AiConfig, name: AiProviderName): string | null {
  return name === 'custom' ? null : defaultModelOf(ai, name);
}

function organizationSettings(ai: AiConfig, key: ProviderKey, apiKey: string): ProviderSettings {
  const name = key.service;
  const baseUrl = key.baseUrl ?? (name === 'custom' ? '' : ai[name].baseUrl);
  return { name, baseUrl: baseUrl.replace(/\/+$/, ''), apiKey, defaultModel: keyDefaultModel(ai, name) };
}
