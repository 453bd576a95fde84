-- A trace that names no model of its own now takes its first model span's at ingestion (the SDK puts
-- the model on generations). Traces stored before get theirs the same way, so the list and its model
-- filter read alike across the upgrade. One pass over the traces without a model, each through the
-- spans_trace_started_at_idx index.
UPDATE "traces" AS t SET "model" = (
  SELECT s."model" FROM "spans" AS s
  WHERE s."trace_id" = t."id" AND s."model" IS NOT NULL
  ORDER BY s."started_at", s."span_id"
  LIMIT 1
)
WHERE t."model" IS NULL
  AND EXISTS (SELECT 1 FROM "spans" AS s WHERE s."trace_id" = t."id" AND s."model" IS NOT NULL);
