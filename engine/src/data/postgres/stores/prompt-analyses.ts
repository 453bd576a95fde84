import { asc, desc, eq } from 'drizzle-orm';
import { organizationTools, promptAnalysisResults, promptTools, type PromptAnalysisResult } from '../schema/index.js';
import type { Database } from '../database.js';
import { command } from '../write.js';
import type { PromptAnalysis, PromptAnalysisStore } from '../../prompt-analyses.js';

function toAnalysis(row: PromptAnalysisResult): PromptAnalysis {
  return {
    id: row.id,
    versionId: row.versionId,
    clarityScore: row.clarityScore,
    overallAssessment: row.overallAssessment,
    improvements: row.improvements,
    edgeCases: row.edgeCases,
    optimizations: row.optimizations,
    alignmentCheck: row.alignmentCheck ?? null,
    toolUsageAnalysis: row.toolUsageAnalysis ?? null,
    model: row.model,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

export function promptAnalysisStore(db: Database): PromptAnalysisStore {
  return {
    record(ctx, scope, analysis) {
      return command(db, ctx, async (tx) => {
        const [row] = await tx.insert(promptAnalysisResults).values(analysis).returning();
        return {
          result: toAnalysis(row!),
          audit: {
            organizationId: scope.organizationId,
            projectId: scope.projectId,
            action: 'prompt.version.analyzed',
            targetType: 'prompt',
            targetId: scope.promptId,
            summary: `Analyzed version ${scope.version} of prompt "${scope.promptKey}" (clarity ${analysis.clarityScore}/10)`,
          },
        };
      });
    },

    async listForVersion(versionId) {
      const rows = await db
        .select()
        .from(promptAnalysisResults)
        .where(eq(promptAnalysisResults.versionId, versionId))
        .orderBy(desc(promptAnalysisResults.createdAt), desc(promptAnalysisResults.id))
        .limit(100);
      return rows.map(toAnalysis);
    },

    async linkedTools(promptId) {
      return db
        .select({ name: organizationTools.name, description: organizationTools.description, isRequired: promptTools.isRequired, usageNotes: promptTools.usageNotes })
        .from(promptTools)
        .innerJoin(organizationTools, eq(organizationTools.id, promptTools.toolId))
        .where(eq(promptTools.promptId, promptId))
        .orderBy(asc(organizationTools.name));
    },
  };
}
