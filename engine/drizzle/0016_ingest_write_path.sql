-- Issue 7 (ingestion's acknowledgement latency). A span's project is its trace's: the trace's key
-- already deletes a project's spans with it, and this one was checked (and the project's row locked)
-- once per span inserted.
ALTER TABLE "spans" DROP CONSTRAINT "spans_project_id_projects_id_fk";
--> statement-breakpoint
-- The pending-list limit (kB) on the GIN indexes themselves rather than per ingest transaction, so
-- every writer keeps them small. Set in place: rebuilding the indexes of a large install would take long.
ALTER INDEX "spans_content_search_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "traces_tags_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
ALTER INDEX "traces_content_search_idx" SET (gin_pending_list_limit = 256);
