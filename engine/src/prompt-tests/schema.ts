import { z } from 'zod';
import { aiProviderName } from '../ai/schema.js';
import { text } from '../http/fields.js';
import { promptKey, versionQueryParam } from '../prompts/schema.js';

const model = text(200).trim().min(1, 'required when given').optional().describe("The provider's default model when absent");
const provider = aiProviderName.optional().describe("The organization's provider (Settings › AI) when absent");
const variables = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/, 'a template variable name'), text(20_000));

export const promptParams = z.object({ orgId: z.uuid(), projectId: z.uuid(), key: promptKey });
export const versionParams = promptParams.extend({ version: versionQueryParam });
export const suiteParams = promptParams.extend({ suiteId: z.uuid() });
export const caseParams = suiteParams.extend({ caseId: z.uuid() });

// ── Playground ──
export const playgroundBody = z.strictObject({
  provider,
  model,
  variables: variables.default({}),
  messages: z
    .array(z.strictObject({ role: z.enum(['user', 'assistant']), content: text(50_000).min(1, 'required') }))
    .min(1, 'send at least one message')
    .max(100)
    .refine((messages) => messages.at(-1)?.role === 'user', 'the last message must be the user’s'),
});

export const versionStatsView = z.object({
  testCount: z.number().int().describe('Playground turns and suite-run answers of the version, each counted once'),
  avgTokens: z.number().nullable().describe('Input plus output tokens per answer'),
  avgLatencyMs: z.number().nullable(),
});

/** The original's playground reply `{response, tokens, responseTime, model}`, plus the stored result and the version's new averages. */
export const playgroundView = z.object({
  response: z.string(),
  tokens: z.number().int().describe('Input plus output tokens'),
  responseTime: z.number().int().describe('Milliseconds'),
  provider: aiProviderName.describe('The provider that answered'),
  model: z.string(),
  usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }),
  testResultId: z.uuid(),
  versionStats: versionStatsView,
});

// ── Suites and cases ──
export const caseFields = z.strictObject({
  input: text(20_000).trim().min(1, 'required'),
  variables: variables.default({}),
  criteria: z.array(text(1_000).trim().min(1, 'required')).min(1, 'give at least one criterion').max(20),
});
export const casePatch = z.strictObject({ input: caseFields.shape.input.optional(), variables: variables.optional(), criteria: caseFields.shape.criteria.optional() });

export const generateSuiteBody = z.strictObject({
  version: versionQueryParam.optional().describe('The version the cases are written for; the newest when absent'),
  model,
  count: z.number().int().min(1).max(20).default(6).describe('How many cases to ask for'),
  name: text(200).trim().min(1).optional(),
});

/** What the model must reply when generating a suite. */
export const generatedSuiteReply = z.object({
  cases: z
    .array(z.object({ input: z.string().trim().min(1), variables: z.record(z.string(), z.string()).default({}), criteria: z.array(z.string().trim().min(1)).min(1).max(10) }))
    .min(1)
    .max(20),
});

/** What the judge must reply: exactly one verdict per criterion, in order. */
export const judgeReply = (criteria: number) =>
  z.object({ verdicts: z.array(z.object({ criterion: z.string(), passed: z.boolean(), reason: z.string() })).length(criteria, `give exactly ${criteria} verdicts, one per criterion, in order`) });

export const runBody = z.strictObject({
  version: z.number().int().min(1).max(1_000_000_000, 'at most 1000000000'),
  provider,
  model,
  judgeProvider: aiProviderName.optional().describe("The run's provider when absent"),
  judgeModel: model.describe("The run's model when absent and the judge's provider is the run's; otherwise the judge provider's default"),
});
export const compareQuery = z.object({
  from: versionQueryParam.optional().describe('The version before `to` when absent'),
  to: versionQueryParam.optional().describe('The newest version when absent'),
});

const date = z.date();
export const caseView = z.object({ id: z.uuid(), suiteId: z.uuid(), input: z.string(), variables: z.record(z.string(), z.string()), criteria: z.array(z.string()), createdAt: date, updatedAt: date });
export const suiteView = z.object({ id: z.uuid(), promptId: z.uuid(), name: z.string(), generatedFromVersion: z.number().int().nullable(), model: z.string().nullable(), createdBy: z.uuid().nullable(), createdAt: date, updatedAt: date });
export const runView = z.object({
  id: z.uuid(),
  suiteId: z.uuid(),
  version: z.number().int(),
  provider: aiProviderName.nullable().describe("Null: the organization's provider (Settings › AI)"),
  model: z.string().nullable().describe("Null: the provider's default model"),
  judgeProvider: aiProviderName.nullable().describe('The judge’s provider; null as for `provider`'),
  judgeModel: z.string().nullable().describe('The judge’s model; null as for `model`'),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  casesTotal: z.number().int(),
  casesDone: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
  errored: z.number().int(),
  passRate: z.number().nullable().describe('passed ÷ (passed + failed); errored cases are not judged. Null when none was judged'),
  error: z.string().nullable(),
  createdAt: date,
  finishedAt: date.nullable(),
});
export const versionTestSummariesView = z.object({
  versions: z
    .array(
      versionStatsView.extend({
        version: z.number().int(),
        latestSuiteRun: runView
          .pick({ id: true, suiteId: true, provider: true, model: true, judgeProvider: true, judgeModel: true, passed: true, failed: true, errored: true, passRate: true, finishedAt: true })
          .nullable()
          .describe("The version's newest completed suite run, of any suite"),
      }),
    )
    .describe('Newest version first'),
});
export const suitesView = z.object({ suites: z.array(suiteView.extend({ caseCount: z.number().int() })) });
const caseResultView = z.object({ status: z.enum(['passed', 'failed', 'errored']), response: z.string().nullable(), verdicts: z.array(z.object({ criterion: z.string(), passed: z.boolean(), reason: z.string() })), error: z.string().nullable(), latencyMs: z.number().int().nullable() });

export const suiteDetailView = z.object({
  suite: suiteView,
  cases: z.array(caseView),
  runs: z.array(runView),
  passRateByVersion: z
    .array(runView.pick({ version: true, provider: true, model: true, judgeProvider: true, judgeModel: true, passRate: true }).extend({ runId: z.uuid() }))
    .describe("Each version's newest completed run"),
  latestRun: z
    .object({ runId: z.uuid(), version: z.number().int(), results: z.array(caseResultView.extend({ caseId: z.uuid() })) })
    .nullable()
    .describe("The newest completed run's result for each case it ran (why a case failed or errored)"),
});
export const compareView = z.object({
  from: z.object({ version: z.number().int(), run: runView.nullable() }),
  to: z.object({ version: z.number().int(), run: runView.nullable() }),
  cases: z.array(z.object({ caseId: z.uuid(), input: z.string(), criteria: z.array(z.string()), from: caseResultView.nullable(), to: caseResultView.nullable() })),
});
