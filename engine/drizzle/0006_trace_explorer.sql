ALTER TABLE "model_prices" DROP CONSTRAINT "model_prices_model_pattern_unique";--> statement-breakpoint
ALTER TABLE "model_prices" ADD COLUMN "organization_id" uuid;--> statement-breakpoint
ALTER TABLE "model_prices" ADD CONSTRAINT "model_prices_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "spans_content_search_idx" ON "spans" USING gin ((to_tsvector('simple'::regconfig, coalesce("content", '')) || jsonb_to_tsvector('simple'::regconfig, coalesce("input", 'null'::jsonb), '["string"]'::jsonb) || jsonb_to_tsvector('simple'::regconfig, coalesce("output", 'null'::jsonb), '["string"]'::jsonb)));--> statement-breakpoint
CREATE INDEX "traces_project_latency_idx" ON "traces" USING btree ("project_id",coalesce("latency_ms", -1) desc nulls last,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "traces_project_cost_idx" ON "traces" USING btree ("project_id","cost" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "traces_project_model_idx" ON "traces" USING btree ("project_id","model","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "traces_project_status_idx" ON "traces" USING btree ("project_id","status","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "traces_tags_idx" ON "traces" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "traces_content_search_idx" ON "traces" USING gin ((jsonb_to_tsvector('simple'::regconfig, coalesce("input", 'null'::jsonb), '["string"]'::jsonb) || jsonb_to_tsvector('simple'::regconfig, coalesce("output", 'null'::jsonb), '["string"]'::jsonb)));--> statement-breakpoint
CREATE UNIQUE INDEX "model_prices_default_pattern_key" ON "model_prices" USING btree ("model_pattern") WHERE "model_prices"."organization_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "model_prices_org_pattern_key" ON "model_prices" USING btree ("organization_id","model_pattern") WHERE "model_prices"."organization_id" is not null;