import { pgEnum } from 'drizzle-orm/pg-core';

// Closed sets live in PostgreSQL enums so a bad value fails at the database, not in a report later.
// Adding a value needs a migration (ALTER TYPE ... ADD VALUE); removing one is a rewrite.

export const memberRole = pgEnum('member_role', ['owner', 'admin', 'member', 'viewer']);
export type MemberRole = (typeof memberRole.enumValues)[number];

export const invitationStatus = pgEnum('invitation_status', ['pending', 'accepted', 'revoked', 'expired']);
export type InvitationStatus = (typeof invitationStatus.enumValues)[number];

export const auditActorType = pgEnum('audit_actor_type', ['user', 'api_key', 'system']);
export type AuditActorType = (typeof auditActorType.enumValues)[number];

// Bring-your-own LLM provider keys; `custom` is any OpenAI-compatible base URL (Ollama, vLLM, ...).
export const providerService = pgEnum('provider_service', ['openrouter', 'openai', 'anthropic', 'custom']);
export type ProviderService = (typeof providerService.enumValues)[number];

// The AI providers an organization may choose for its AI features (config.ts aiProviderNames).
export const aiProvider = pgEnum('ai_provider', ['openrouter', 'openai', 'anthropic', 'ollama', 'custom']);
export type AiProvider = (typeof aiProvider.enumValues)[number];

export const promptKind = pgEnum('prompt_kind', ['text', 'chat']);
export type PromptKind = (typeof promptKind.enumValues)[number];

export const promotionStatus = pgEnum('promotion_status', ['pending', 'approved', 'rejected', 'cancelled', 'superseded']);
export type PromotionStatus = (typeof promotionStatus.enumValues)[number];

export const traceStatus = pgEnum('trace_status', ['active', 'completed', 'error']);
export type TraceStatus = (typeof traceStatus.enumValues)[number];

export const spanType = pgEnum('span_type', ['message', 'llm_call', 'tool_call']);
export type SpanType = (typeof spanType.enumValues)[number];

export const spanRole = pgEnum('span_role', ['user', 'assistant', 'system', 'tool']);
export type SpanRole = (typeof spanRole.enumValues)[number];

export const spanStatus = pgEnum('span_status', ['ok', 'error']);
export type SpanStatus = (typeof spanStatus.enumValues)[number];

export const reportOutcome = pgEnum('report_outcome', ['success', 'partial', 'failed']);
export type ReportOutcome = (typeof reportOutcome.enumValues)[number];

export const webhookDeliveryStatus = pgEnum('webhook_delivery_status', ['pending', 'succeeded', 'failed']);
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatus.enumValues)[number];

// How an AI call the appliance made ended: answered, failed, or given up by the caller.
export const aiCallStatus = pgEnum('ai_call_status', ['ok', 'error', 'cancelled']);
export type AiCallStatus = (typeof aiCallStatus.enumValues)[number];
