ALTER TABLE "import_jobs" ADD COLUMN "chunk_size" integer DEFAULT 1000 NOT NULL;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "done_chunks" integer[] DEFAULT '{}'::integer[] NOT NULL;