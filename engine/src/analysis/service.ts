import { aiInstructions } from '../ai/instructions.js';
import { generateObject } from '../ai/structured.js';
import type { WriteContext } from '../data/provider.js';
import type { LinkedTool } from '../data/prompt-analyses.js';
import type { PromptSummary, ResolvedPrompt } from '../data/prompts.js';
import type { Services } from '../http/services.js';
import { requireProject } from '../projects/service.js';
import { resolveOrThrow } from '../prompts/service.js';
import { versionText } from '../prompt-tests/compile.js';
import { analysisReply } from './schema.js';

export interface AnalyzeRequest {
  organizationId: string;
  projectId: string;
  key: string;
  version: number;
  userId: string;
  ctx: WriteContext;
  model?: string;
  signal?: AbortSignal;
}

/** The metadata fields the alignment check compares the prompt with. */
const alignedFields = ['purpose', 'expectedBehavior', 'constraints'] as const;

/**
 * Has the organization's model review one version (with the `forprompt.analyze` instructions), stores
 * the review and counts an analysis run. An invalid reply after the one repair is an error
 * (502 ai_invalid_output): nothing is stored, no score is made up.
 */
export async function analyzeVersion(services: Services, request: AnalyzeRequest) {
  const project = await requireProject(services, request.organizationId, request.projectId);
  const resolved = await resolveOrThrow(services, project.id, request.key, { version: request.version });
  const { provider } = await services.ai.forRequest({ organizationId: request.organizationId, projectId: project.id, userId: request.userId, feature: 'analysis' });
  const instructions = await aiInstructions(services, request.organizationId, 'forprompt.analyze');
  const tools = await services.provider.promptAnalyses.linkedTools(resolved.prompt.id);
  const withMetadata = hasMetadata(resolved.prompt);

  const generated = await generateObject(provider, analysisReply, {
    model: request.model,
    system: instructions.text,
    messages: [{ role: 'user', content: describeVersion(resolved, tools) }],
    signal: request.signal,
  });
  const reply = generated.object;
  const stored = await services.provider.promptAnalyses.record(
    request.ctx,
    { organizationId: request.organizationId, projectId: project.id, promptId: resolved.prompt.id, promptKey: request.key, version: request.version },
    {
      versionId: resolved.version.id,
      model: generated.model,
      createdBy: request.userId,
      clarityScore: reply.clarityScore,
      overallAssessment: reply.overallAssessment,
      improvements: reply.improvements,
      edgeCases: reply.edgeCases,
      optimizations: reply.optimizations,
      // Kept only where they mean something: a model may fill them in without metadata or tools.
      alignmentCheck: withMetadata ? (reply.alignmentCheck ?? null) : null,
      toolUsageAnalysis: tools.length > 0 ? (reply.toolUsageAnalysis ?? null) : null,
    },
  );
  await services.provider.aiUsage.countRuns(request.organizationId, 'analysisRuns');
  return { ...stored, instructions: { source: instructions.source, version: instructions.version } };
}

/** A version's stored analyses, newest first (404 for a version not in the organization). */
export async function listAnalyses(services: Services, organizationId: string, projectId: string, key: string, version: number) {
  const project = await requireProject(services, organizationId, projectId);
  const resolved = await resolveOrThrow(services, project.id, key, { version });
  return { analyses: await services.provider.promptAnalyses.listForVersion(resolved.version.id) };
}

function hasMetadata(prompt: PromptSummary): boolean {
  return alignedFields.some((field) => Boolean(prompt[field]?.trim()));
}

/** What the model is shown: the prompt's text, the metadata it should match, and the linked tools. */
function describeVersion({ prompt, version }: ResolvedPrompt, tools: LinkedTool[]): string {
  const parts = [`Prompt "${prompt.name}" (key ${prompt.key}), version ${version.version}:\n<prompt>\n${versionText(version)}\n</prompt>`];
  const metadata = alignedFields.filter((field) => prompt[field]?.trim()).map((field) => `${field}: ${prompt[field]!.trim()}`);
  parts.push(metadata.length > 0 ? `Intended metadata (fill in alignmentCheck):\n${metadata.join('\n')}` : 'No metadata is given: omit alignmentCheck.');
  parts.push(
    tools.length > 0
      ? `Linked tools (fill in toolUsageAnalysis):\n${tools.map((tool) => `- ${tool.name}${tool.isRequired ? ' (required)' : ''}: ${tool.description}${tool.usageNotes ? ` — notes: ${tool.usageNotes}` : ''}`).join('\n')}`
      : 'No tools are linked: omit toolUsageAnalysis.',
  );
  return parts.join('\n\n');
}
