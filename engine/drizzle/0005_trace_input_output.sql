ALTER TABLE "traces" ADD COLUMN "input" jsonb;--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "output" jsonb;--> statement-breakpoint
ALTER TABLE "traces" ADD COLUMN "error_count" integer DEFAULT 0 NOT NULL;