-- UNIQUE NULLS NOT DISTINCT (PostgreSQL 15+) becomes two partial unique indexes, which PostgreSQL 14
-- has. Databases migrated before 0006 was changed to create those indexes itself hold the constraint:
-- it is dropped here; on the others this migration finds its indexes in place.
ALTER TABLE "model_prices" DROP CONSTRAINT IF EXISTS "model_prices_org_pattern_key";--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "model_prices_default_pattern_key" ON "model_prices" USING btree ("model_pattern") WHERE "model_prices"."organization_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "model_prices_org_pattern_key" ON "model_prices" USING btree ("organization_id","model_pattern") WHERE "model_prices"."organization_id" is not null;
