import type { Request, Response } from 'express';
import { userOf } from '../access/context.js';
import { AI_DISABLED_RESPONSE } from '../ai/schema.js';
import { actingUser } from '../auth/session-cookie.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { requestSignal } from '../http/request-signal.js';
import { promptTestStats, runPlayground, versionTestStats } from './playground.js';
import { startTestRun } from './run-job.js';
import {
  caseFields,
  caseParams,
  casePatch,
  caseView,
  compareQuery,
  compareView,
  generateSuiteBody,
  playgroundBody,
  playgroundView,
  promptParams,
  runBody,
  runView,
  suiteDetailView,
  suiteParams,
  suitesView,
  versionParams,
  versionStatsView,
  versionTestSummariesView,
} from './schema.js';
import { addCase, compareVersions, deleteCase, deleteSuite, generateSuite, getSuite, listSuites, updateCase, type Actor } from './suites.js';

const tags = ['ai'];
const prompt = '/api/dashboard/orgs/:orgId/projects/:projectId/prompts/:key';
const suites = `${prompt}/test-suites`;
const suite = `${suites}/:suiteId`;
const RATE_LIMITED = { description: 'More AI requests this minute than AI_RATE_LIMIT_PER_MINUTE allows the organization' };
const NOT_FOUND = { description: 'No such project, prompt, version, suite or case in this organization' };

/** Who changes a prompt's suites, and where. */
function actorOf(params: { orgId: string; projectId: string; key: string }, req: Request, res: Response): Actor {
  return { organizationId: params.orgId, projectId: params.projectId, key: params.key, userId: userOf(res).userId, ctx: actingUser(req, res) };
}

export function promptTestRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: `${prompt}/versions/:version/playground`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'ai.use',
      summary: 'Runs a version (variables filled in) against a provider and model as one turn of a chat',
      description: "Send the whole conversation so far, ending with the user's message. The answer, its tokens and latency are stored as a test result and rolled into the version's averages; counted as a test.",
      tags,
      request: { params: versionParams, body: playgroundBody },
      responses: {
        200: { description: 'The answer, with the version’s new averages', schema: playgroundView },
        400: { description: 'Invalid body, or a template variable without a value (missing_variables)' },
        404: NOT_FOUND,
        409: AI_DISABLED_RESPONSE,
        429: RATE_LIMITED,
        502: { description: 'The provider failed' },
      },
      handler: async ({ params, body }, { res, services }) =>
        runPlayground(services, { organizationId: params.orgId, projectId: params.projectId, key: params.key, version: params.version, userId: userOf(res).userId, provider: body.provider, model: body.model, variables: body.variables, messages: body.messages, signal: requestSignal(res) }),
    }),
    defineRoute({
      method: 'get',
      path: `${prompt}/versions/:version/test-stats`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: "A version's test count (playground turns and suite-run answers), average tokens and average latency",
      tags,
      request: { params: versionParams },
      responses: { 200: { description: 'The averages', schema: versionStatsView }, 404: NOT_FOUND },
      handler: async ({ params }, { services }) => versionTestStats(services, params.orgId, params.projectId, params.key, params.version),
    }),
    defineRoute({
      method: 'get',
      path: `${prompt}/test-stats`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: "Every version's test count, average tokens and latency, and the pass rate of its newest completed suite run",
      tags,
      request: { params: promptParams },
      responses: { 200: { description: 'The versions, newest first', schema: versionTestSummariesView }, 404: NOT_FOUND },
      handler: async ({ params }, { services }) => promptTestStats(services, params.orgId, params.projectId, params.key),
    }),
    defineRoute({
      method: 'post',
      path: suites,
      surface: 'dashboard',
      auth: 'session',
      permission: 'ai.use',
      summary: 'Has the organization’s AI generate a test suite for the prompt: cases with an input, variables and criteria',
      description: 'Written from a version (the newest by default) and the prompt’s metadata with the forprompt.test-generate instructions. Stored and audit-logged.',
      tags,
      request: { params: promptParams, body: generateSuiteBody },
      responses: {
        201: { description: 'The stored suite', schema: suiteDetailView },
        404: NOT_FOUND,
        409: AI_DISABLED_RESPONSE,
        429: RATE_LIMITED,
        502: { description: 'The provider failed, or its reply stayed invalid after one repair (ai_invalid_output): nothing is stored' },
      },
      handler: async ({ params, body }, { req, res, services }) => {
        return new Reply(201, await generateSuite(services, actorOf(params, req, res), { ...body, signal: requestSignal(res) }));
      },
    }),
    defineRoute({
      method: 'get',
      path: suites,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: "The prompt's test suites, newest first",
      tags,
      request: { params: promptParams },
      responses: { 200: { description: 'Suites', schema: suitesView }, 404: NOT_FOUND },
      handler: async ({ params }, { services }) => listSuites(services, params.orgId, params.projectId, params.key),
    }),
    defineRoute({
      method: 'get',
      path: suite,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: 'A suite with its cases, its runs (with progress) and the pass rate of each version',
      tags,
      request: { params: suiteParams },
      responses: { 200: { description: 'The suite', schema: suiteDetailView }, 404: NOT_FOUND },
      handler: async ({ params }, { services }) => getSuite(services, params.orgId, params.projectId, params.key, params.suiteId),
    }),
    defineRoute({
      method: 'delete',
      path: suite,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.write',
      summary: 'Deletes a suite with its cases and runs',
      tags,
      request: { params: suiteParams },
      responses: { 200: { description: 'Deleted' }, 404: NOT_FOUND },
      handler: async ({ params }, { req, res, services }) => {
        await deleteSuite(services, actorOf(params, req, res), params.suiteId);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${suite}/cases`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.write',
      summary: 'Adds a case to a suite',
      tags,
      request: { params: suiteParams, body: caseFields },
      responses: { 201: { description: 'The case', schema: caseView }, 404: NOT_FOUND },
      handler: async ({ params, body }, { req, res, services }) =>
        new Reply(201, await addCase(services, actorOf(params, req, res), params.suiteId, body)),
    }),
    defineRoute({
      method: 'patch',
      path: `${suite}/cases/:caseId`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.write',
      summary: "Edits a case's input, variables or criteria",
      tags,
      request: { params: caseParams, body: casePatch },
      responses: { 200: { description: 'The case', schema: caseView }, 404: NOT_FOUND },
      handler: async ({ params, body }, { req, res, services }) =>
        updateCase(services, actorOf(params, req, res), params.suiteId, params.caseId, body),
    }),
    defineRoute({
      method: 'delete',
      path: `${suite}/cases/:caseId`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.write',
      summary: 'Deletes a case (and its results in past runs)',
      tags,
      request: { params: caseParams },
      responses: { 200: { description: 'Deleted' }, 404: NOT_FOUND },
      handler: async ({ params }, { req, res, services }) => {
        await deleteCase(services, actorOf(params, req, res), params.suiteId, params.caseId);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: `${suite}/runs`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'ai.use',
      summary: 'Runs the suite against a version, provider and model in the background, an LLM judge (the same model or another) scoring each criterion',
      description:
        "Answers at once with the queued run; its progress shows in the suite (GET). The run's and the judge's providers are checked first: one not configured for the organization is a 409 and nothing is queued. A case whose answer or judge fails is errored, never scored. Counted as a test run.",
      tags,
      request: { params: suiteParams, body: runBody },
      responses: { 202: { description: 'The queued run', schema: runView }, 404: NOT_FOUND, 409: AI_DISABLED_RESPONSE, 429: RATE_LIMITED },
      handler: async ({ params, body }, { req, res, services }) =>
        new Reply(202, await startTestRun(services, actorOf(params, req, res), params.suiteId, body)),
    }),
    defineRoute({
      method: 'get',
      path: `${suite}/compare`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'prompt.read',
      summary: 'Two versions side by side on the suite: pass rates of their newest completed runs and each case’s result in both',
      tags,
      request: { params: suiteParams, query: compareQuery },
      responses: { 200: { description: 'The comparison', schema: compareView }, 404: NOT_FOUND },
      handler: async ({ params, query }, { services }) => compareVersions(services, params.orgId, params.projectId, params.key, params.suiteId, query),
    }),
  ];
}
