ALTER TABLE "prompt_test_results" ADD COLUMN "provider" "ai_provider";--> statement-breakpoint
ALTER TABLE "prompt_test_runs" ADD COLUMN "provider" "ai_provider";--> statement-breakpoint
ALTER TABLE "prompt_test_runs" ADD COLUMN "judge_provider" "ai_provider";--> statement-breakpoint
ALTER TABLE "prompt_test_runs" ADD COLUMN "judge_model" text;--> statement-breakpoint
-- Runs made before 0015 were judged by their own model.
UPDATE "prompt_test_runs" SET "judge_model" = "model";
