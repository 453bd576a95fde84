import { z } from 'zod';
import { actingUser } from '../auth/session-cookie.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { aiTasks, customizeInstructions, listInstructions, resetInstructions } from './instructions.js';
import { orgParams } from './schema.js';

const tags = ['ai'];
const base = '/api/dashboard/orgs/:orgId/ai/instructions';

const taskParams = orgParams.extend({ task: z.enum(aiTasks).describe('The AI task, e.g. forprompt.analyze') });

const instructionsSource = z.enum(['default', 'organization']).describe("default: the instance's built-in prompt; organization: the organization's own");
const instructionsView = z.object({
  task: z.enum(aiTasks),
  name: z.string(),
  description: z.string(),
  active: z.object({ text: z.string(), source: instructionsSource, version: z.number().int() }),
  defaultInstructions: z.object({
    version: z.number().int().describe("The built-in system project's version"),
    text: z.string(),
    updatedAt: z.date().nullable(),
  }),
  override: z
    .object({
      projectId: z.uuid(),
      promptKey: z.string(),
      productionVersion: z.number().int().nullable().describe('Null: no version is in production yet, so the default is still used'),
      latestVersion: z.number().int().nullable(),
      createdAt: z.date(),
    })
    .nullable(),
  defaultChangedSinceOverride: z.boolean(),
});
const customizedView = z.object({ projectId: z.uuid(), promptKey: z.string() });

export function instructionsRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: base,
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.read',
      summary: 'The instructions each AI task uses for the organization: the built-in default or its own prompt',
      tags,
      request: { params: orgParams },
      responses: { 200: { description: 'One entry per AI task', schema: z.object({ instructions: z.array(instructionsView) }) } },
      handler: async ({ params }, { services }) => ({ instructions: await listInstructions(services, params.orgId) }),
    }),
    defineRoute({
      method: 'post',
      path: `${base}/:task/customize`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.manage',
      summary: "Starts the organization's own instructions for a task from the current default",
      description:
        "Creates the prompt in the organization's 'forprompt' project (the project too, when missing) with the default as version 1 in production; edit and deploy it like any prompt.",
      tags,
      request: { params: taskParams },
      responses: {
        201: { description: 'Where the prompt is', schema: customizedView },
        409: { description: 'The organization has its own prompt for this task already (instructions_already_customized)' },
      },
      handler: async ({ params }, { req, res, services }) => new Reply(201, await customizeInstructions(services, actingUser(req, res), params.orgId, params.task)),
    }),
    defineRoute({
      method: 'delete',
      path: `${base}/:task/customize`,
      surface: 'dashboard',
      auth: 'session',
      permission: 'org.manage',
      summary: "Goes back to the built-in default: deletes the organization's own prompt for the task, with its versions",
      tags,
      request: { params: taskParams },
      responses: {
        200: { description: 'Deleted; the task uses the default again', schema: z.object({ ok: z.literal(true) }) },
        404: { description: 'The organization has no prompt of its own for this task (instructions_not_customized)' },
      },
      handler: async ({ params }, { req, res, services }) => {
        await resetInstructions(services, actingUser(req, res), params.orgId, params.task);
        return { ok: true as const };
      },
    }),
  ];
}
