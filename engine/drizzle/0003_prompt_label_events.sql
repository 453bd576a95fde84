CREATE TABLE "prompt_label_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"prompt_id" uuid NOT NULL,
	"label" text NOT NULL,
	"from_version" integer,
	"to_version" integer NOT NULL,
	"actor_user_id" uuid,
	"actor_api_key_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "prompt_label_events" ADD CONSTRAINT "prompt_label_events_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "public"."prompts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prompt_label_events" ADD CONSTRAINT "prompt_label_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "prompt_label_events_prompt_idx" ON "prompt_label_events" USING btree ("prompt_id","created_at");