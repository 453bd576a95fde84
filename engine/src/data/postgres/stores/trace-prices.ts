import { and, asc, eq, isNull, or } from 'drizzle-orm';
import { ConflictError, NotFoundError } from '../../../errors.js';
import { modelPrices } from '../schema/index.js';
import { isUniqueViolation, type Database } from '../database.js';
import { command } from '../write.js';
import type { WriteContext } from '../../provider.js';
import type { ModelPrice, ModelPriceInput } from '../../traces.js';

type PriceRow = typeof modelPrices.$inferSelect;

const toPrice = (row: PriceRow): ModelPrice => ({
  id: row.id,
  scope: row.organizationId === null ? 'default' : 'organization',
  modelPattern: row.modelPattern,
  inputPricePerMillion: row.inputPricePerMillion,
  outputPricePerMillion: row.outputPricePerMillion,
  updatedAt: row.updatedAt,
});

const describe = (price: ModelPriceInput) => `"${price.modelPattern}" at $${price.inputPricePerMillion} in / $${price.outputPricePerMillion} out per 1M tokens`;

const patternTaken = (modelPattern: string) => new ConflictError(`The organization already has a price for "${modelPattern}"`, 'model_price_exists');

export async function listPrices(db: Database, organizationId: string): Promise<ModelPrice[]> {
  const rows = await db
    .select()
    .from(modelPrices)
    .where(or(eq(modelPrices.organizationId, organizationId), isNull(modelPrices.organizationId)))
    .orderBy(asc(modelPrices.modelPattern));
  const own = new Set(rows.filter((row) => row.organizationId !== null).map((row) => row.modelPattern));
  return rows.filter((row) => row.organizationId !== null || !own.has(row.modelPattern)).map(toPrice);
}

export async function createPrice(db: Database, ctx: WriteContext, organizationId: string, input: ModelPriceInput): Promise<ModelPrice> {
  try {
    return await command(db, ctx, async (tx) => {
      const [row] = await tx.insert(modelPrices).values({ organizationId, ...input }).returning();
      return {
        result: toPrice(row!),
        audit: { organizationId, action: 'model_price.created', targetType: 'model_price', targetId: row!.id, summary: `price ${describe(input)} added` },
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw patternTaken(input.modelPattern);
    throw error;
  }
}

export async function updatePrice(db: Database, ctx: WriteContext, organizationId: string, priceId: string, input: Partial<ModelPriceInput>): Promise<ModelPrice> {
  try {
    return await command(db, ctx, async (tx) => {
      const [row] = await tx
        .update(modelPrices)
        .set({ ...input, updatedAt: new Date() })
        .where(and(eq(modelPrices.id, priceId), eq(modelPrices.organizationId, organizationId)))
        .returning();
      if (!row) throw new NotFoundError('Model price', 'model_price_not_found');
      return {
        result: toPrice(row),
        audit: { organizationId, action: 'model_price.updated', targetType: 'model_price', targetId: row.id, summary: `price set to ${describe(row)}` },
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw patternTaken(input.modelPattern ?? '');
    throw error;
  }
}

export async function deletePrice(db: Database, ctx: WriteContext, organizationId: string, priceId: string): Promise<void> {
  await command(db, ctx, async (tx) => {
    const [row] = await tx
      .delete(modelPrices)
      .where(and(eq(modelPrices.id, priceId), eq(modelPrices.organizationId, organizationId)))
      .returning();
    if (!row) throw new NotFoundError('Model price', 'model_price_not_found');
    return {
      result: undefined,
      audit: { organizationId, action: 'model_price.deleted', targetType: 'model_price', targetId: row.id, summary: `price for "${row.modelPattern}" removed` },
    };
  });
}
