import type { z } from 'zod';
import { userOf } from '../access/context.js';
import { AI_DISABLED_RESPONSE } from '../ai/schema.js';
import { defineRoute, type AnyRouteDefinition } from '../http/registry.js';
import { requestSignal } from '../http/request-signal.js';
import { enhanceFieldBody, enhanceFieldReply, extractedMetadataReply, extractMetadataBody, generatedPromptReply, generatePromptBody, suggestionsBody, suggestionsReply } from './assist-schema.js';
import { enhanceField, extractMetadata, generatePrompt, suggestEnhancements } from './assist-service.js';
import { editParams } from './schema.js';

const base = '/api/dashboard/orgs/:orgId/projects/:projectId/ai';

const errors = {
  404: { description: 'No such project in this organization' },
  409: AI_DISABLED_RESPONSE,
  429: { description: 'More AI requests this minute than AI_RATE_LIMIT_PER_MINUTE allows the organization' },
  502: { description: 'The provider failed, or its reply stayed invalid after one repair (ai_invalid_output)' },
};

/** The metadata form's one-shot AI helpers: suggestions, one field enhanced, metadata extracted, a prompt generated. Nothing is saved. */
export function assistRoutes(): AnyRouteDefinition[] {
  const route = <B extends z.ZodType, R>(path: string, summary: string, body: B, reply: z.ZodType<R>, run: (input: z.output<B>, scope: Parameters<typeof suggestEnhancements>[1], services: Parameters<typeof suggestEnhancements>[0]) => Promise<R>) =>
    defineRoute({
      method: 'post',
      path: `${base}/${path}`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'ai.use',
      summary,
      tags: ['ai'],
      request: { params: editParams, body },
      responses: { 200: { description: 'The validated reply', schema: reply }, ...errors },
      handler: async ({ params, body: input }, { res, services }) =>
        run(input, { organizationId: params.orgId, projectId: params.projectId, userId: userOf(res).userId, model: (input as { model?: string }).model, signal: requestSignal(res) }, services),
    });
  return [
    route('suggestions', 'Suggests enhancements to a prompt: issue, suggestion, enhanced text and priority each', suggestionsBody, suggestionsReply, (input, scope, services) => suggestEnhancements(services, scope, input.prompt)),
    route('enhance-field', 'Rewrites one metadata field to be specific, complete and concise', enhanceFieldBody, enhanceFieldReply, (input, scope, services) => enhanceField(services, scope, input.field, input.value, input.prompt)),
    route('extract-metadata', "Reads a prompt's metadata fields from its text", extractMetadataBody, extractedMetadataReply.omit({ toolsAndCapabilities: true }).extend({ toolsNotes: extractedMetadataReply.shape.toolsAndCapabilities }), (input, scope, services) => extractMetadata(services, scope, input.prompt)),
    route('generate-prompt', 'Writes a system prompt from the metadata fields', generatePromptBody, generatedPromptReply, (input, scope, services) => generatePrompt(services, scope, input.metadata)),
  ];
}
