CREATE TABLE "clerk_tombstones" (
	"object_type" text NOT NULL,
	"clerk_id" text NOT NULL,
	"deleted_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clerk_tombstones_object_type_clerk_id_pk" PRIMARY KEY("object_type","clerk_id")
);
