import { z } from 'zod';
import { metadataFields } from '../data/prompts.js';
import { text } from '../http/fields.js';

/** What the one-shot AI helpers of the metadata form reply (the original's shapes). */
export const suggestionsReply = z.object({
  suggestions: z.array(
    z.object({
      id: z.string().trim().min(1),
      issue: z.string(),
      suggestion: z.string(),
      enhancedText: z.string(),
      priority: z.enum(['high', 'medium', 'low']),
    }),
  ),
});
export const enhanceFieldReply = z.object({ enhancedText: z.string() });
export const extractedMetadataReply = z.object({
  purpose: z.string(),
  expectedBehavior: z.string(),
  inputFormat: z.string(),
  outputFormat: z.string(),
  constraints: z.string(),
  useCases: z.string(),
  toolsAndCapabilities: z.string(),
});
export const generatedPromptReply = z.object({ systemPrompt: z.string().trim().min(1), explanation: z.string() });

const promptText = text(100_000);
const model = text(200).trim().min(1, 'required when given').optional().describe("The provider's default model when absent");
export const metadataField = z.enum(metadataFields);
const metadataValues = z.strictObject(Object.fromEntries(metadataFields.map((field) => [field, text(20_000).nullish()])) as Record<(typeof metadataFields)[number], z.ZodOptional<z.ZodNullable<z.ZodString>>>);

export const suggestionsBody = z.strictObject({ prompt: promptText.min(1, 'required'), model });
export const enhanceFieldBody = z.strictObject({
  field: metadataField,
  value: text(20_000),
  prompt: promptText.optional().describe('The prompt the field describes, as context'),
  model,
});
export const extractMetadataBody = z.strictObject({ prompt: promptText.min(1, 'required'), model });
export const generatePromptBody = z.strictObject({ metadata: metadataValues, model });
export type MetadataValues = z.infer<typeof metadataValues>;
