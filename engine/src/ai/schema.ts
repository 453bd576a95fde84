import { z } from 'zod';
import { aiProviderNames } from '../config.js';
import { text } from '../http/fields.js';

export const aiProviderName = z.enum(aiProviderNames);
const providerSource = z.enum(['instance', 'organization']).describe("instance: the engine's own configuration; organization: the organization's provider key");
const tokenUsage = z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() });

export const orgParams = z.object({ orgId: z.uuid() });

/** What every AI endpoint's 409 says (see AiDisabledError). */
export const AI_DISABLED_RESPONSE = { description: 'No AI provider is configured for the instance nor the organization, or the provider asked for is not (ai_disabled naming it; details.hint says how to enable one)' };

const aiSetting = z.object({
  provider: aiProviderName.nullable().describe("The organization's chosen provider; null: the instance's (AI_PROVIDER, else the organization's first provider key)"),
  model: z.string().nullable().describe("The chosen provider's default model for the organization; null: the provider's own default"),
});

export const aiStatusView = z.object({
  enabled: z.boolean(),
  provider: aiProviderName.nullable(),
  source: providerSource.nullable(),
  defaultModel: z.string().nullable().describe('Null for a custom server without AI_MODEL: the first model it lists is used'),
  hint: z.string().optional().describe('How to enable AI, when it is off'),
  setting: aiSetting,
  available: z
    .array(z.object({ provider: aiProviderName, source: providerSource, defaultModel: z.string().nullable().describe("The provider's own default model") }))
    .describe('The providers the organization may choose: each of its provider keys, and those the instance configures'),
  instanceDefault: aiProviderName.nullable().describe('The provider used when the organization chooses none (AI_PROVIDER, else its first provider key)'),
  notice: z.string().optional().describe('Set when the chosen provider is no longer available and calls use another (or none)'),
});

export const aiSettingBody = z.strictObject({
  provider: aiProviderName.nullable().describe('One of the available providers, or null to follow the instance'),
  model: text(200).trim().min(1, 'required when given').nullable().default(null).describe("null: the provider's default model"),
});

export const modelsQuery = z.object({ provider: aiProviderName.optional().describe("Another provider than the organization's default") });

export const modelsView = z.object({
  provider: aiProviderName,
  source: providerSource,
  defaultModel: z.string().nullable(),
  models: z.array(z.object({ id: z.string(), name: z.string().optional(), contextLength: z.number().int().optional() })),
  modelsSource: z.enum(['provider', 'fallback']).describe("fallback: the provider's list could not be read; these are its usual models"),
});

export const checkBody = z.strictObject({
  provider: aiProviderName.optional(),
  model: text(200).trim().min(1, 'required when given').optional(),
});

const checkCommon = { provider: aiProviderName, source: providerSource, latencyMs: z.number() };
export const checkView = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), ...checkCommon, model: z.string(), reply: z.string(), usage: tokenUsage }),
  z.object({
    ok: z.literal(false),
    ...checkCommon,
    model: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).describe('Why the provider failed: ai_provider_auth_failed, ai_model_not_found, ai_timeout, …'),
  }),
]);
