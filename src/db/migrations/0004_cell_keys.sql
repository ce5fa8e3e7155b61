-- Cell keys (issue 6): a volatile default is evaluated per row, so existing records each get a key of
-- their own as the column is added; new rows get one at insert and nothing writes it afterwards.
ALTER TABLE "cases" ADD COLUMN "cell_key" integer DEFAULT floor(random() * 2147483648)::integer NOT NULL;--> statement-breakpoint
ALTER TABLE "api_clients" ADD COLUMN "protection" varchar(16) DEFAULT 'suppressed' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_clients" ADD CONSTRAINT "api_clients_protection_check" CHECK ("api_clients"."protection" in ('suppressed', 'perturbed'));