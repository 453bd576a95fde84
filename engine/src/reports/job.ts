import { aiInstructions } from '../ai/instructions.js';
import { AiOutputError } from '../ai/errors.js';
import { generateObject } from '../ai/structured.js';
import type { AiProvider } from '../ai/types.js';
import type { ReportRun, ReportRunProgress, TraceToReport } from '../data/reports.js';
import type { TraceDetail } from '../data/traces.js';
import type { Services } from '../http/services.js';
import { versionText } from '../prompt-tests/compile.js';
import { batchReply, conversationReply, versionReply } from './schema.js';

export const REPORT_JOB = 'reports.generate';
export interface ReportJob {
  runId: string;
  projectId: string;
  promptKey: string;
}

/** Conversation reports per batch report (the original's batches of 10). */
export const BATCH_SIZE = 10;
/** The newest conversation reports a version report is written from. */
const VERSION_REPORT_CONVERSATIONS = 50;
/** The most characters of one conversation shown to the model. */
const CONVERSATION_CHARS = 24_000;

/** Runs report jobs on this replica (one at a time: each is a series of model calls). */
export async function startReportWorker(services: Services): Promise<void> {
  await services.provider.jobs.work<ReportJob>(REPORT_JOB, (job) => generateReports(services, job));
}

/**
 * One run: a report for each conversation (trace) of the prompt without one (all of them when forced),
 * then a batch report per 10 new conversation reports of a version, then a report per version that got
 * new conversation reports. Progress is written to the run after each step. A reply that stays invalid
 * after the one repair is counted as a failed conversation — never stored with a made-up score.
 */
export async function generateReports(services: Services, job: ReportJob): Promise<void> {
  const store = services.provider.reports;
  const run = await store.getRun(job.projectId, job.runId);
  if (!run || run.status !== 'queued') return;
  const progress: Required<Pick<ReportRunProgress, 'conversationsTotal' | 'conversationsDone' | 'conversationsFailed' | 'batchReports' | 'versionReports'>> = {
    conversationsTotal: 0,
    conversationsDone: 0,
    conversationsFailed: 0,
    batchReports: 0,
    versionReports: 0,
  };
  const save = (extra: ReportRunProgress = {}) => store.updateRun(run.id, { ...progress, ...extra });
  await store.updateRun(run.id, { status: 'running' });
  try {
    const { provider } = await services.ai.forJob({ organizationId: run.organizationId, projectId: run.projectId, userId: run.createdBy, feature: 'reports' });
    const traces = await store.tracesToReport(run.projectId, job.promptKey, { versionNumber: run.versionNumber, force: run.force, limit: run.conversationLimit });
    progress.conversationsTotal = traces.length;
    await save();

    // Read once for the run, not once per conversation.
    const instructions = await aiInstructions(services, run.organizationId, 'forprompt.report-conversation');
    const reported = new Set<number>();
    let lastFailure: string | null = null;
    for (const trace of traces) {
      try {
        if (await reportConversation(services, provider, run, job.promptKey, trace, instructions.text)) {
          if (trace.versionNumber !== null) reported.add(trace.versionNumber);
        } else progress.conversationsFailed++;
      } catch (error) {
        if (!(error instanceof AiOutputError)) throw error;
        progress.conversationsFailed++;
        lastFailure = error.message;
      }
      progress.conversationsDone++;
      await save();
    }

    for (const versionNumber of [...reported].sort((a, b) => a - b)) {
      progress.batchReports += await reportBatches(services, provider, run, versionNumber);
      await save();
      if (await reportVersion(services, provider, run, versionNumber)) progress.versionReports++;
      await save();
    }

    const allFailed = traces.length > 0 && progress.conversationsFailed === traces.length;
    const failures = progress.conversationsFailed > 0 ? `${progress.conversationsFailed} of ${traces.length} conversations could not be analysed${lastFailure ? `: ${lastFailure}` : ''}` : null;
    await save({ status: allFailed ? 'failed' : 'completed', error: failures, finishedAt: new Date() });
    if (!allFailed) await services.provider.aiUsage.countRuns(run.organizationId, 'analysisRuns');
  } catch (error) {
    services.logger.warn({ err: error, runId: run.id }, 'Report run failed');
    await save({ status: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: new Date() });
  }
}

/** One conversation's report; false when the trace is gone (deleted since the run started). */
async function reportConversation(services: Services, provider: AiProvider, run: ReportRun, promptKey: string, trace: TraceToReport, instructions: string): Promise<boolean> {
  const detail = await services.provider.traces.get(run.projectId, trace.traceId);
  if (!detail) return false;
  const systemPrompt = trace.versionNumber === null ? null : await promptText(services, run.projectId, promptKey, trace.versionNumber);
  const generated = await generateObject(provider, conversationReply, {
    system: instructions,
    messages: [{ role: 'user', content: describeConversation(promptKey, trace.versionNumber, systemPrompt, detail) }],
  });
  await services.provider.reports.saveConversationReport({ projectId: run.projectId, promptId: run.promptId }, trace, { ...generated.object, model: generated.model });
  return true;
}

/** A batch report for each full group of 10 conversation reports no batch covers yet; how many were written. */
async function reportBatches(services: Services, provider: AiProvider, run: ReportRun, versionNumber: number): Promise<number> {
  const store = services.provider.reports;
  const unbatched = await store.unbatchedConversationReports(run.promptId, versionNumber);
  const instructions = await aiInstructions(services, run.organizationId, 'forprompt.report-batch');
  let written = 0;
  for (let start = 0; start + BATCH_SIZE <= unbatched.length; start += BATCH_SIZE) {
    const batch = unbatched.slice(start, start + BATCH_SIZE);
    const generated = await generateObject(provider, batchReply, {
      system: instructions.text,
      messages: [{ role: 'user', content: `Reports of ${batch.length} conversations with version ${versionNumber}:\n${JSON.stringify(batch.map(reportShown), null, 1)}` }],
    });
    await store.saveBatchReport({ projectId: run.projectId, promptId: run.promptId, versionNumber }, batch.map((report) => report.traceRowId), { ...generated.object, model: generated.model });
    written++;
  }
  return written;
}

/** A version report from the version's newest conversation reports and its batch reports. */
async function reportVersion(services: Services, provider: AiProvider, run: ReportRun, versionNumber: number): Promise<boolean> {
  const store = services.provider.reports;
  const inputs = await store.versionReportInputs(run.promptId, versionNumber, VERSION_REPORT_CONVERSATIONS);
  if (inputs.conversationCount === 0) return false;
  const instructions = await aiInstructions(services, run.organizationId, 'forprompt.report-version');
  const content = [
    `Version ${versionNumber} has ${inputs.conversationCount} conversation reports; the newest ${inputs.conversations.length}:`,
    JSON.stringify(inputs.conversations.map(reportShown), null, 1),
    inputs.batches.length > 0 ? `Batch reports:\n${JSON.stringify(inputs.batches, null, 1)}` : 'No batch reports yet.',
  ].join('\n\n');
  const generated = await generateObject(provider, versionReply, { system: instructions.text, messages: [{ role: 'user', content }] });
  const reply = generated.object;
  return store.saveVersionReport(run.promptId, versionNumber, {
    successRate: reply.overallSuccessRate,
    averageScore: reply.averageScore,
    keyInsights: reply.keyInsights,
    improvementSuggestions: reply.improvementSuggestions,
    strengths: reply.strengthsIdentified,
    weaknesses: reply.weaknessesIdentified,
    summary: reply.summary,
    conversationCount: inputs.conversationCount,
    model: generated.model,
  });
}

const reportShown = (report: { successScore: number; outcome: string; criticalPoints: string[]; issues: string[]; summary: string }) => ({
  successScore: report.successScore,
  outcome: report.outcome,
  criticalPoints: report.criticalPoints,
  issues: report.issues,
  summary: report.summary,
});

/** The version's text: a text prompt's template, a chat prompt's messages; null when the version is gone. */
async function promptText(services: Services, projectId: string, key: string, versionNumber: number): Promise<string | null> {
  const resolved = await services.promptCache.resolve(projectId, key, { version: versionNumber });
  return resolved ? versionText(resolved.version) : null;
}

/** What the model is shown of a conversation: the prompt it ran with, then the trace and its spans, cut to a bounded length. */
function describeConversation(promptKey: string, versionNumber: number | null, systemPrompt: string | null, trace: TraceDetail): string {
  const spans = trace.spans.map((span) => ({ type: span.type, role: span.role, name: span.name, status: span.status, input: span.input, output: span.output }));
  const conversation = JSON.stringify({ status: trace.status, input: trace.input, output: trace.output, spans });
  const shown = conversation.length > CONVERSATION_CHARS ? `${conversation.slice(0, CONVERSATION_CHARS)}… (cut)` : conversation;
  const prompt = systemPrompt === null ? 'The prompt text is not available.' : `The system prompt:\n<prompt>\n${systemPrompt}\n</prompt>`;
  return `Conversation of prompt "${promptKey}"${versionNumber === null ? '' : `, version ${versionNumber}`}.\n\n${prompt}\n\nThe conversation (trace and spans as JSON):\n${shown}`;
}
