import { Migration } from '@mikro-orm/migrations';

export class Migration20261123004706 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "api_keys" ("id" serial primary key, "name" varchar(200) not null, "secret_hash" varchar(64) not null, "prefix" varchar(16) not null, "scopes" jsonb not null, "created_at" bigint not null, "revoked_at" bigint null, "last_used_at" bigint null);`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_secret_hash_unique" unique ("secret_hash");`);

    this.addSql(`create table "customers" ("id" serial primary key, "external_id" varchar(255) not null, "email" varchar(320) null, "phone" varchar(64) null, "first_name" varchar(255) null, "last_name" varchar(255) null, "birth_date" bigint null, "gender" text check ("gender" in ('FEMALE', 'MALE', 'OTHER', 'UNKNOWN')) null, "country" varchar(2) null, "region" varchar(255) null, "city" varchar(255) null, "postal_code" varchar(32) null, "company_name" varchar(255) null, "industry" varchar(255) null, "company_size" int null, "job_title" varchar(255) null, "job_function" varchar(255) null, "lifecycle_stage" text check ("lifecycle_stage" in ('LEAD', 'PROSPECT', 'QUALIFIED', 'CUSTOMER', 'CHURNED')) not null default 'LEAD', "acquisition_source" varchar(255) null, "interests" jsonb not null, "email_opt_in" boolean not null default false, "sms_opt_in" boolean not null default false, "attributes" jsonb not null, "created_at" bigint not null, "updated_at" bigint not null, "last_verified_at" bigint null);`);
    this.addSql(`alter table "customers" add constraint "customers_external_id_unique" unique ("external_id");`);
    this.addSql(`create index "customers_email_index" on "customers" ("email");`);
    this.addSql(`create index "customers_last_name_index" on "customers" ("last_name");`);
    this.addSql(`create index "customers_birth_date_index" on "customers" ("birth_date");`);
    this.addSql(`create index "customers_city_index" on "customers" ("city");`);
    this.addSql(`create index "customers_postal_code_index" on "customers" ("postal_code");`);
    this.addSql(`create index "customers_industry_index" on "customers" ("industry");`);
    this.addSql(`create index "customers_company_size_index" on "customers" ("company_size");`);
    this.addSql(`create index "customers_job_function_index" on "customers" ("job_function");`);
    this.addSql(`create index "customers_lifecycle_stage_index" on "customers" ("lifecycle_stage");`);
    this.addSql(`create index "customers_acquisition_source_index" on "customers" ("acquisition_source");`);
    this.addSql(`create index "customers_last_verified_at_index" on "customers" ("last_verified_at");`);
    this.addSql(`create index "customers_created_at_id_index" on "customers" ("created_at", "id");`);
    this.addSql(`create index "customers_country_region_index" on "customers" ("country", "region");`);

    this.addSql(`create table "customer_attributes" ("customer_id" int not null, "key" varchar(64) not null, "value_type" varchar(7) not null, "string_value" varchar(1000) null, "number_value" double precision null, "bool_value" boolean null, constraint "customer_attributes_pkey" primary key ("customer_id", "key"));`);
    this.addSql(`create index "customer_attributes_key_bool_value_index" on "customer_attributes" ("key", "bool_value");`);
    this.addSql(`create index "customer_attributes_key_number_value_index" on "customer_attributes" ("key", "number_value");`);
    this.addSql(`create index "customer_attributes_key_string_value_index" on "customer_attributes" ("key", "string_value");`);

    this.addSql(`create table "customer_interests" ("customer_id" int not null, "tag" varchar(100) not null, constraint "customer_interests_pkey" primary key ("customer_id", "tag"));`);
    this.addSql(`create index "customer_interests_tag_customer_id_index" on "customer_interests" ("tag", "customer_id");`);

    this.addSql(`create table "customer_metrics" ("customer_id" int not null, "order_count" int not null, "lifetime_revenue" double precision not null, "average_order_value" double precision null, "first_order_at" bigint null, "last_order_at" bigint null, "days_since_last_order" int null, "recency_score" int null, "frequency_score" int null, "monetary_score" int null, "rfm_segment" text check ("rfm_segment" in ('CHAMPIONS', 'LOYAL', 'POTENTIAL_LOYALIST', 'NEW_CUSTOMERS', 'PROMISING', 'NEED_ATTENTION', 'ABOUT_TO_SLEEP', 'AT_RISK', 'CANNOT_LOSE', 'HIBERNATING', 'LOST')) null, "probability_alive" double precision null, "expected_purchases90d" double precision null, "predicted_lifetime_value" double precision null, "as_of" bigint not null, "computed_at" bigint not null, constraint "customer_metrics_pkey" primary key ("customer_id"));`);
    this.addSql(`create index "customer_metrics_order_count_index" on "customer_metrics" ("order_count");`);
    this.addSql(`create index "customer_metrics_lifetime_revenue_index" on "customer_metrics" ("lifetime_revenue");`);
    this.addSql(`create index "customer_metrics_last_order_at_index" on "customer_metrics" ("last_order_at");`);
    this.addSql(`create index "customer_metrics_rfm_segment_index" on "customer_metrics" ("rfm_segment");`);

    this.addSql(`create table "events" ("id" serial primary key, "external_id" varchar(255) not null, "customer_id" int not null, "name" varchar(100) not null, "channel" text check ("channel" in ('EMAIL', 'SMS', 'PUSH', 'WEB', 'APP', 'STORE', 'PHONE', 'SOCIAL', 'EVENT', 'OTHER')) not null, "occurred_at" bigint not null, "properties" jsonb not null, "recorded_at" bigint not null);`);
    this.addSql(`alter table "events" add constraint "events_external_id_unique" unique ("external_id");`);
    this.addSql(`create index "events_name_occurred_at_index" on "events" ("name", "occurred_at");`);
    this.addSql(`create index "events_customer_id_occurred_at_id_index" on "events" ("customer_id", "occurred_at", "id");`);

    this.addSql(`create table "orders" ("id" serial primary key, "external_id" varchar(255) not null, "customer_id" int not null, "ordered_at" bigint not null, "amount" double precision not null, "currency" varchar(3) not null, "channel" text check ("channel" in ('EMAIL', 'SMS', 'PUSH', 'WEB', 'APP', 'STORE', 'PHONE', 'SOCIAL', 'EVENT', 'OTHER')) not null, "categories" jsonb not null, "recorded_at" bigint not null);`);
    this.addSql(`alter table "orders" add constraint "orders_external_id_unique" unique ("external_id");`);
    this.addSql(`create index "orders_ordered_at_index" on "orders" ("ordered_at");`);
    this.addSql(`create index "orders_customer_id_ordered_at_id_index" on "orders" ("customer_id", "ordered_at", "id");`);

    this.addSql(`create table "order_categories" ("order_id" int not null, "category" varchar(100) not null, constraint "order_categories_pkey" primary key ("order_id", "category"));`);
    this.addSql(`create index "order_categories_category_order_id_index" on "order_categories" ("category", "order_id");`);

    this.addSql(`create table "personas" ("id" serial primary key, "name" varchar(200) not null, "description" text null, "filter" jsonb not null, "definition" text not null, "priority" int not null default 100, "created_at" bigint not null, "updated_at" bigint not null);`);
    this.addSql(`create index "personas_priority_created_at_id_index" on "personas" ("priority", "created_at", "id");`);

    this.addSql(`create table "scoring_models" ("id" serial primary key, "name" varchar(200) not null, "description" text null, "created_at" bigint not null, "updated_at" bigint not null);`);

    this.addSql(`create table "scoring_rules" ("id" serial primary key, "model_id" int not null, "position" int not null, "label" varchar(200) not null, "filter" jsonb not null, "points" int not null);`);

    this.addSql(`create table "segments" ("id" serial primary key, "name" varchar(200) not null, "description" text null, "filter" jsonb not null, "definition" text not null, "version" int not null default 1, "created_at" bigint not null, "updated_at" bigint not null);`);
    this.addSql(`create index "segments_name_index" on "segments" ("name");`);

    this.addSql(`create table "segment_references" ("segment_id" int not null, "referenced_id" int not null, constraint "segment_references_pkey" primary key ("segment_id", "referenced_id"));`);
    this.addSql(`create index "segment_references_referenced_id_index" on "segment_references" ("referenced_id");`);

    this.addSql(`create table "value_models" ("id" serial primary key, "computed_at" bigint not null, "as_of" bigint not null, "customers" int not null, "bgnbd" jsonb null, "gamma_gamma" jsonb null);`);

    this.addSql(`alter table "customer_attributes" add constraint "customer_attributes_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "customer_interests" add constraint "customer_interests_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "customer_metrics" add constraint "customer_metrics_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "events" add constraint "events_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "orders" add constraint "orders_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "order_categories" add constraint "order_categories_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "scoring_rules" add constraint "scoring_rules_model_id_foreign" foreign key ("model_id") references "scoring_models" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "segment_references" add constraint "segment_references_segment_id_foreign" foreign key ("segment_id") references "segments" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "segment_references" add constraint "segment_references_referenced_id_foreign" foreign key ("referenced_id") references "segments" ("id") on update cascade on delete no action;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "customer_attributes" drop constraint "customer_attributes_customer_id_foreign";`);

    this.addSql(`alter table "customer_interests" drop constraint "customer_interests_customer_id_foreign";`);

    this.addSql(`alter table "customer_metrics" drop constraint "customer_metrics_customer_id_foreign";`);

    this.addSql(`alter table "events" drop constraint "events_customer_id_foreign";`);

    this.addSql(`alter table "orders" drop constraint "orders_customer_id_foreign";`);

    this.addSql(`alter table "order_categories" drop constraint "order_categories_order_id_foreign";`);

    this.addSql(`alter table "scoring_rules" drop constraint "scoring_rules_model_id_foreign";`);

    this.addSql(`alter table "segment_references" drop constraint "segment_references_segment_id_foreign";`);

    this.addSql(`alter table "segment_references" drop constraint "segment_references_referenced_id_foreign";`);

    this.addSql(`drop table if exists "api_keys" cascade;`);

    this.addSql(`drop table if exists "customers" cascade;`);

    this.addSql(`drop table if exists "customer_attributes" cascade;`);

    this.addSql(`drop table if exists "customer_interests" cascade;`);

    this.addSql(`drop table if exists "customer_metrics" cascade;`);

    this.addSql(`drop table if exists "events" cascade;`);

    this.addSql(`drop table if exists "orders" cascade;`);

    this.addSql(`drop table if exists "order_categories" cascade;`);

    this.addSql(`drop table if exists "personas" cascade;`);

    this.addSql(`drop table if exists "scoring_models" cascade;`);

    this.addSql(`drop table if exists "scoring_rules" cascade;`);

    this.addSql(`drop table if exists "segments" cascade;`);

    this.addSql(`drop table if exists "segment_references" cascade;`);

    this.addSql(`drop table if exists "value_models" cascade;`);
  }

}
