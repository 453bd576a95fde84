import { z } from 'zod';
import { promptParams } from '../analytics/schema.js';

/** The replies asked of the model: the original's shapes (../shared/reference/original-product.md). */
const statements = z.array(z.string());
export const conversationReply = z.object({
  successScore: z.number().int().min(1).max(10),
  outcome: z.enum(['success', 'partial', 'failed']),
  criticalPoints: statements,
  issues: statements,
  summary: z.string().min(1),
});
export const batchReply = z.object({
  averageScore: z.number().min(1).max(10),
  commonPatterns: statements,
  frequentIssues: statements,
  recommendations: statements,
  summary: z.string().min(1),
});
export const versionReply = z.object({
  overallSuccessRate: z.number().min(0).max(100),
  averageScore: z.number().min(1).max(10),
  keyInsights: statements,
  improvementSuggestions: statements,
  strengthsIdentified: statements,
  weaknessesIdentified: statements,
  summary: z.string().min(1),
});

/** The most conversations one run analyses (each is one model call). */
export const MAX_RUN_CONVERSATIONS = 200;
export const DEFAULT_RUN_CONVERSATIONS = 50;

export const runBody = z.strictObject({
  version: z.number().int().min(1).max(1_000_000).optional().describe('Only this version; every version when left out'),
  limit: z.number().int().min(1).max(MAX_RUN_CONVERSATIONS).optional().describe(`The most conversations to analyse (default ${DEFAULT_RUN_CONVERSATIONS}), newest first`),
  force: z.boolean().optional().describe('Analyse conversations again that already have a report'),
});
export const runParams = promptParams.extend({ runId: z.uuid() });

export const runView = z.object({
  id: z.uuid(),
  promptKey: z.string(),
  promptVersion: z.number().int().nullable(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  force: z.boolean(),
  conversationLimit: z.number().int(),
  conversationsTotal: z.number().int().describe('Conversations this run analyses (known once it starts)'),
  conversationsDone: z.number().int().describe('Analysed so far, failed ones included'),
  conversationsFailed: z.number().int().describe("Conversations whose report failed (the model's reply stayed invalid): no report is stored for them"),
  batchReports: z.number().int(),
  versionReports: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  finishedAt: z.date().nullable(),
});
export const latestRunView = z.object({ run: runView.nullable() });
