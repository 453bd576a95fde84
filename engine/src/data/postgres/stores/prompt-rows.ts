import { and, eq, inArray, sql } from 'drizzle-orm';
import { promptLabels, prompts, promptVersions } from '../schema/index.js';
import type { Database, Transaction } from '../database.js';
import { completenessOf, metadataFields, type PromptSummary, type PromptVersionView } from '../../prompts.js';

export type PromptRow = typeof prompts.$inferSelect;
export type VersionRow = typeof promptVersions.$inferSelect;
type Reader = Database | Transaction;

export function toVersion(row: VersionRow): PromptVersionView {
  return {
    id: row.id,
    version: row.version,
    template: row.template,
    messages: row.messages ?? null,
    config: row.config,
    variables: row.variables,
    commitMessage: row.commitMessage,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

/** Labels (with the computed `latest`) and latest version numbers of several prompts, in two queries. */
export async function summarize(db: Reader, rows: PromptRow[]): Promise<PromptSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [labelRows, latestRows] = await Promise.all([
    db
      .select({ promptId: promptLabels.promptId, label: promptLabels.label, version: promptVersions.version })
      .from(promptLabels)
      .innerJoin(promptVersions, eq(promptVersions.id, promptLabels.versionId))
      .where(inArray(promptLabels.promptId, ids)),
    db
      .select({ promptId: promptVersions.promptId, latest: sql<number>`max(${promptVersions.version})::int` })
      .from(promptVersions)
      .where(inArray(promptVersions.promptId, ids))
      .groupBy(promptVersions.promptId),
  ]);
  return rows.map((row) => {
    const latestVersion = latestRows.find((latest) => latest.promptId === row.id)?.latest ?? null;
    const labels: Record<string, number> = Object.fromEntries(
      labelRows.filter((label) => label.promptId === row.id).map((label) => [label.label, label.version]),
    );
    if (latestVersion !== null) labels.latest = latestVersion;
    return {
      id: row.id,
      projectId: row.projectId,
      key: row.key,
      name: row.name,
      description: row.description,
      kind: row.kind,
      tags: row.tags,
      ...(Object.fromEntries(metadataFields.map((field) => [field, row[field]])) as Pick<PromptSummary, (typeof metadataFields)[number]>),
      labels,
      latestVersion,
      // Tools are linked by the tools feature; until then no prompt has any.
      completeness: completenessOf(row),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  });
}

export async function findPrompt(db: Reader, projectId: string, key: string, lock = false): Promise<PromptRow | undefined> {
  const query = db.select().from(prompts).where(and(eq(prompts.projectId, projectId), eq(prompts.key, key)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function versionByNumber(db: Reader, promptId: string, version: number): Promise<VersionRow | undefined> {
  const [row] = await db.select().from(promptVersions).where(and(eq(promptVersions.promptId, promptId), eq(promptVersions.version, version)));
  return row;
}
