CREATE TABLE "prompt_test_case_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"status" text NOT NULL,
	"response" text,
	"verdicts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"input_tokens" integer,
	"output_tokens" integer,
	"latency_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prompt_test_case_results_status_known" CHECK ("prompt_test_case_results"."status" IN ('passed', 'failed', 'errored'))
);
--> statement-breakpoint
CREATE TABLE "prompt_test_cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"suite_id" uuid NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"input" text NOT NULL,
	"variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"criteria" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prompt_test_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"suite_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"model" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"cases_total" integer DEFAULT 0 NOT NULL,
	"cases_done" integer DEFAULT 0 NOT NULL,
	"passed" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"errored" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "prompt_test_runs_status_known" CHECK ("prompt_test_runs"."status" IN ('queued', 'running', 'completed', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "prompt_test_suites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"prompt_id" uuid NOT NULL,
	"name" text NOT NULL,
	"generated_from_version" integer,
	"model" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "prompt_test_case_results" ADD CONSTRAINT "prompt_test_case_results_run_id_prompt_test_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."prompt_test_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_test_case_results" ADD CONSTRAINT "prompt_test_case_results_case_id_prompt_test_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."prompt_test_cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_test_cases" ADD CONSTRAINT "prompt_test_cases_suite_id_prompt_test_suites_id_fk" FOREIGN KEY ("suite_id") REFERENCES "public"."prompt_test_suites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_test_runs" ADD CONSTRAINT "prompt_test_runs_suite_id_prompt_test_suites_id_fk" FOREIGN KEY ("suite_id") REFERENCES "public"."prompt_test_suites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_test_runs" ADD CONSTRAINT "prompt_test_runs_version_id_prompt_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."prompt_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_test_runs" ADD CONSTRAINT "prompt_test_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_test_suites" ADD CONSTRAINT "prompt_test_suites_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "public"."prompts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_test_suites" ADD CONSTRAINT "prompt_test_suites_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "prompt_test_case_results_run_idx" ON "prompt_test_case_results" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "prompt_test_cases_suite_created_at_idx" ON "prompt_test_cases" USING btree ("suite_id","created_at");--> statement-breakpoint
CREATE INDEX "prompt_test_runs_suite_created_at_idx" ON "prompt_test_runs" USING btree ("suite_id","created_at");--> statement-breakpoint
CREATE INDEX "prompt_test_suites_prompt_created_at_idx" ON "prompt_test_suites" USING btree ("prompt_id","created_at");