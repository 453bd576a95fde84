import { z } from 'zod';
import { text } from '../http/fields.js';
import { promptKey, versionQueryParam } from '../prompts/schema.js';

const score = z.number().int().min(1).max(10);
const alignmentScore = z.object({ score, feedback: z.string() });
const alignmentCheck = z.object({ purposeAlignment: alignmentScore, behaviorAlignment: alignmentScore, constraintsAlignment: alignmentScore });
const toolUsageAnalysis = z.object({
  overallToolUsage: z.string(),
  tools: z.array(z.object({ name: z.string(), isProperlyInstructed: z.boolean(), issues: z.array(z.string()), suggestions: z.array(z.string()) })),
});

/** What the model must reply (the original's analysis shape); a reply outside it is repaired once, then refused. */
export const analysisReply = z.object({
  clarityScore: score.describe('1 (unusable) to 10 (nothing to improve)'),
  overallAssessment: z.string().trim().min(1),
  improvements: z.array(z.string()),
  edgeCases: z.array(z.string()),
  optimizations: z.array(z.string()),
  alignmentCheck: alignmentCheck.nullish().describe('Only when the prompt has metadata'),
  toolUsageAnalysis: toolUsageAnalysis.nullish().describe('Only when tools are linked'),
});
export type AnalysisReply = z.infer<typeof analysisReply>;

export const versionParams = z.object({ orgId: z.uuid(), projectId: z.uuid(), key: promptKey, version: versionQueryParam });

export const analyzeBody = z.strictObject({
  model: text(200).trim().min(1, 'required when given').optional().describe("The provider's default model when absent"),
});

export const analysisView = z.object({
  id: z.uuid(),
  versionId: z.uuid(),
  clarityScore: score,
  overallAssessment: z.string(),
  improvements: z.array(z.string()),
  edgeCases: z.array(z.string()),
  optimizations: z.array(z.string()),
  alignmentCheck: alignmentCheck.nullable(),
  toolUsageAnalysis: toolUsageAnalysis.nullable(),
  model: z.string(),
  createdBy: z.uuid().nullable(),
  createdAt: z.date(),
});

export const analyzeView = analysisView.extend({
  instructions: z.object({ source: z.enum(['default', 'organization']), version: z.number().int() }).describe('Which instructions drove the analysis: the defaults or the organization’s own forprompt.analyze'),
});

export const analysesView = z.object({ analyses: z.array(analysisView) });
