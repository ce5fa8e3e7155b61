CREATE SEQUENCE "public"."case_change_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"subject" text NOT NULL,
	"action" varchar(40) NOT NULL,
	"municipality" char(4),
	"case_ref" varchar(64),
	"request_id" varchar(64),
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "case_erasures" (
	"change_seq" bigint PRIMARY KEY DEFAULT nextval('case_change_seq') NOT NULL,
	"case_id" bigint NOT NULL,
	"erased_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_interventions" (
	"case_id" bigint NOT NULL,
	"position" smallint NOT NULL,
	"intervention" varchar(40) NOT NULL,
	CONSTRAINT "case_interventions_case_id_position_pk" PRIMARY KEY("case_id","position")
);
--> statement-breakpoint
CREATE TABLE "case_manual_methods" (
	"case_id" bigint NOT NULL,
	"position" smallint NOT NULL,
	"name" varchar(100) NOT NULL,
	CONSTRAINT "case_manual_methods_case_id_position_pk" PRIMARY KEY("case_id","position")
);
--> statement-breakpoint
CREATE TABLE "case_problems" (
	"case_id" bigint NOT NULL,
	"position" smallint NOT NULL,
	"problem" varchar(40) NOT NULL,
	CONSTRAINT "case_problems_case_id_position_pk" PRIMARY KEY("case_id","position")
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"municipality" char(4) NOT NULL,
	"case_ref" varchar(64) NOT NULL,
	"form_version" varchar(4) NOT NULL,
	"age_at_referral" smallint NOT NULL,
	"gender" varchar(16) NOT NULL,
	"background" varchar(40),
	"referral_date" date NOT NULL,
	"start_date" date,
	"previously_known" varchar(16) NOT NULL,
	"other_problem" text,
	"other_intervention" text,
	"closing_date" date NOT NULL,
	"closure_reason" varchar(40) NOT NULL,
	"closure_comment" text,
	"comment" text,
	"intervention_group" varchar(32) NOT NULL,
	"content_hash" varchar(64) NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"change_seq" bigint DEFAULT nextval('case_change_seq') NOT NULL
);
--> statement-breakpoint
ALTER TABLE "case_interventions" ADD CONSTRAINT "case_interventions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_manual_methods" ADD CONSTRAINT "case_manual_methods_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_problems" ADD CONSTRAINT "case_problems_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_subject_idx" ON "audit_log" USING btree ("subject","at");--> statement-breakpoint
CREATE INDEX "case_problems_problem_idx" ON "case_problems" USING btree ("problem");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_municipality_case_ref_uq" ON "cases" USING btree ("municipality","case_ref");--> statement-breakpoint
CREATE INDEX "cases_closing_date_idx" ON "cases" USING btree ("closing_date");--> statement-breakpoint
CREATE INDEX "cases_change_seq_idx" ON "cases" USING btree ("change_seq");--> statement-breakpoint
CREATE INDEX "cases_created_by_idx" ON "cases" USING btree ("created_by","municipality");