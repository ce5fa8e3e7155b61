CREATE TABLE "api_clients" (
	"client_id" varchar(64) PRIMARY KEY NOT NULL,
	"name" varchar(200) NOT NULL,
	"role" varchar(32) NOT NULL,
	"municipalities" text[] DEFAULT '{}'::text[] NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"secret_rotated_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_clients_role_check" CHECK ("api_clients"."role" in ('integration', 'dashboard'))
);
--> statement-breakpoint
CREATE INDEX "api_clients_created_at_idx" ON "api_clients" USING btree ("created_at");