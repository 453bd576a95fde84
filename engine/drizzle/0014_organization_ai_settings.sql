CREATE TYPE "public"."ai_provider" AS ENUM('openrouter', 'openai', 'anthropic', 'ollama', 'custom');--> statement-breakpoint
CREATE TABLE "organization_ai_settings" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"provider" "ai_provider",
	"model" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organization_ai_settings" ADD CONSTRAINT "organization_ai_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;