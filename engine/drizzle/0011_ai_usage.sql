CREATE TYPE "public"."ai_call_status" AS ENUM('ok', 'error', 'cancelled');--> statement-breakpoint
ALTER TABLE "ai_usage_logs" ADD COLUMN "provider_key_id" uuid;--> statement-breakpoint
ALTER TABLE "ai_usage_logs" ADD COLUMN "latency_ms" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ai_usage_logs" ADD COLUMN "status" "ai_call_status" DEFAULT 'ok' NOT NULL;--> statement-breakpoint
ALTER TABLE "ai_usage_logs" ADD COLUMN "error_code" text;--> statement-breakpoint
ALTER TABLE "ai_usage_logs" ADD CONSTRAINT "ai_usage_logs_provider_key_id_organization_api_keys_id_fk" FOREIGN KEY ("provider_key_id") REFERENCES "public"."organization_api_keys"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ai_usage_logs_user_idx" ON "ai_usage_logs" USING btree ("user_id") WHERE "ai_usage_logs"."user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "ai_usage_logs_provider_key_idx" ON "ai_usage_logs" USING btree ("provider_key_id") WHERE "ai_usage_logs"."provider_key_id" IS NOT NULL;