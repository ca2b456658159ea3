import { Migration } from '@mikro-orm/migrations';

export class Migration20261123004706 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`api_keys\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`secret_hash\` text not null, \`prefix\` text not null, \`scopes\` json not null, \`created_at\` bigint not null, \`revoked_at\` bigint null, \`last_used_at\` bigint null);`);
    this.addSql(`create unique index \`api_keys_secret_hash_unique\` on \`api_keys\` (\`secret_hash\`);`);

    this.addSql(`create table \`customers\` (\`id\` integer not null primary key autoincrement, \`external_id\` text not null, \`email\` text null, \`phone\` text null, \`first_name\` text null, \`last_name\` text null, \`birth_date\` bigint null, \`gender\` text check (\`gender\` in ('FEMALE', 'MALE', 'OTHER', 'UNKNOWN')) null, \`country\` text null, \`region\` text null, \`city\` text null, \`postal_code\` text null, \`company_name\` text null, \`industry\` text null, \`company_size\` integer null, \`job_title\` text null, \`job_function\` text null, \`lifecycle_stage\` text check (\`lifecycle_stage\` in ('LEAD', 'PROSPECT', 'QUALIFIED', 'CUSTOMER', 'CHURNED')) not null default 'LEAD', \`acquisition_source\` text null, \`interests\` json not null, \`email_opt_in\` integer not null default false, \`sms_opt_in\` integer not null default false, \`attributes\` json not null, \`created_at\` bigint not null, \`updated_at\` bigint not null, \`last_verified_at\` bigint null);`);
    this.addSql(`create unique index \`customers_external_id_unique\` on \`customers\` (\`external_id\`);`);
    this.addSql(`create index \`customers_email_index\` on \`customers\` (\`email\`);`);
    this.addSql(`create index \`customers_last_name_index\` on \`customers\` (\`last_name\`);`);
    this.addSql(`create index \`customers_birth_date_index\` on \`customers\` (\`birth_date\`);`);
    this.addSql(`create index \`customers_city_index\` on \`customers\` (\`city\`);`);
    this.addSql(`create index \`customers_postal_code_index\` on \`customers\` (\`postal_code\`);`);
    this.addSql(`create index \`customers_industry_index\` on \`customers\` (\`industry\`);`);
    this.addSql(`create index \`customers_company_size_index\` on \`customers\` (\`company_size\`);`);
    this.addSql(`create index \`customers_job_function_index\` on \`customers\` (\`job_function\`);`);
    this.addSql(`create index \`customers_lifecycle_stage_index\` on \`customers\` (\`lifecycle_stage\`);`);
    this.addSql(`create index \`customers_acquisition_source_index\` on \`customers\` (\`acquisition_source\`);`);
    this.addSql(`create index \`customers_last_verified_at_index\` on \`customers\` (\`last_verified_at\`);`);
    this.addSql(`create index \`customers_created_at_id_index\` on \`customers\` (\`created_at\`, \`id\`);`);
    this.addSql(`create index \`customers_country_region_index\` on \`customers\` (\`country\`, \`region\`);`);

    this.addSql(`create table \`customer_attributes\` (\`customer_id\` integer not null, \`key\` text not null, \`value_type\` text not null, \`string_value\` text null, \`number_value\` double null, \`bool_value\` integer null, constraint \`customer_attributes_customer_id_foreign\` foreign key(\`customer_id\`) references \`customers\`(\`id\`) on delete cascade on update cascade, primary key (\`customer_id\`, \`key\`));`);
    this.addSql(`create index \`customer_attributes_customer_id_index\` on \`customer_attributes\` (\`customer_id\`);`);
    this.addSql(`create index \`customer_attributes_key_bool_value_index\` on \`customer_attributes\` (\`key\`, \`bool_value\`);`);
    this.addSql(`create index \`customer_attributes_key_number_value_index\` on \`customer_attributes\` (\`key\`, \`number_value\`);`);
    this.addSql(`create index \`customer_attributes_key_string_value_index\` on \`customer_attributes\` (\`key\`, \`string_value\`);`);

    this.addSql(`create table \`customer_interests\` (\`customer_id\` integer not null, \`tag\` text not null, constraint \`customer_interests_customer_id_foreign\` foreign key(\`customer_id\`) references \`customers\`(\`id\`) on delete cascade on update cascade, primary key (\`customer_id\`, \`tag\`));`);
    this.addSql(`create index \`customer_interests_customer_id_index\` on \`customer_interests\` (\`customer_id\`);`);
    this.addSql(`create index \`customer_interests_tag_customer_id_index\` on \`customer_interests\` (\`tag\`, \`customer_id\`);`);

    this.addSql(`create table \`customer_metrics\` (\`customer_id\` integer not null, \`order_count\` integer not null, \`lifetime_revenue\` double not null, \`average_order_value\` double null, \`first_order_at\` bigint null, \`last_order_at\` bigint null, \`days_since_last_order\` integer null, \`recency_score\` integer null, \`frequency_score\` integer null, \`monetary_score\` integer null, \`rfm_segment\` text check (\`rfm_segment\` in ('CHAMPIONS', 'LOYAL', 'POTENTIAL_LOYALIST', 'NEW_CUSTOMERS', 'PROMISING', 'NEED_ATTENTION', 'ABOUT_TO_SLEEP', 'AT_RISK', 'CANNOT_LOSE', 'HIBERNATING', 'LOST')) null, \`probability_alive\` double null, \`expected_purchases90d\` double null, \`predicted_lifetime_value\` double null, \`as_of\` bigint not null, \`computed_at\` bigint not null, constraint \`customer_metrics_customer_id_foreign\` foreign key(\`customer_id\`) references \`customers\`(\`id\`) on delete cascade on update cascade, primary key (\`customer_id\`));`);
    this.addSql(`create index \`customer_metrics_order_count_index\` on \`customer_metrics\` (\`order_count\`);`);
    this.addSql(`create index \`customer_metrics_lifetime_revenue_index\` on \`customer_metrics\` (\`lifetime_revenue\`);`);
    this.addSql(`create index \`customer_metrics_last_order_at_index\` on \`customer_metrics\` (\`last_order_at\`);`);
    this.addSql(`create index \`customer_metrics_rfm_segment_index\` on \`customer_metrics\` (\`rfm_segment\`);`);

    this.addSql(`create table \`events\` (\`id\` integer not null primary key autoincrement, \`external_id\` text not null, \`customer_id\` integer not null, \`name\` text not null, \`channel\` text check (\`channel\` in ('EMAIL', 'SMS', 'PUSH', 'WEB', 'APP', 'STORE', 'PHONE', 'SOCIAL', 'EVENT', 'OTHER')) not null, \`occurred_at\` bigint not null, \`properties\` json not null, \`recorded_at\` bigint not null, constraint \`events_customer_id_foreign\` foreign key(\`customer_id\`) references \`customers\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create unique index \`events_external_id_unique\` on \`events\` (\`external_id\`);`);
    this.addSql(`create index \`events_customer_id_index\` on \`events\` (\`customer_id\`);`);
    this.addSql(`create index \`events_name_occurred_at_index\` on \`events\` (\`name\`, \`occurred_at\`);`);
    this.addSql(`create index \`events_customer_id_occurred_at_id_index\` on \`events\` (\`customer_id\`, \`occurred_at\`, \`id\`);`);

    this.addSql(`create table \`orders\` (\`id\` integer not null primary key autoincrement, \`external_id\` text not null, \`customer_id\` integer not null, \`ordered_at\` bigint not null, \`amount\` double not null, \`currency\` text not null, \`channel\` text check (\`channel\` in ('EMAIL', 'SMS', 'PUSH', 'WEB', 'APP', 'STORE', 'PHONE', 'SOCIAL', 'EVENT', 'OTHER')) not null, \`categories\` json not null, \`recorded_at\` bigint not null, constraint \`orders_customer_id_foreign\` foreign key(\`customer_id\`) references \`customers\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create unique index \`orders_external_id_unique\` on \`orders\` (\`external_id\`);`);
    this.addSql(`create index \`orders_customer_id_index\` on \`orders\` (\`customer_id\`);`);
    this.addSql(`create index \`orders_ordered_at_index\` on \`orders\` (\`ordered_at\`);`);
    this.addSql(`create index \`orders_customer_id_ordered_at_id_index\` on \`orders\` (\`customer_id\`, \`ordered_at\`, \`id\`);`);

    this.addSql(`create table \`order_categories\` (\`order_id\` integer not null, \`category\` text not null, constraint \`order_categories_order_id_foreign\` foreign key(\`order_id\`) references \`orders\`(\`id\`) on delete cascade on update cascade, primary key (\`order_id\`, \`category\`));`);
    this.addSql(`create index \`order_categories_order_id_index\` on \`order_categories\` (\`order_id\`);`);
    this.addSql(`create index \`order_categories_category_order_id_index\` on \`order_categories\` (\`category\`, \`order_id\`);`);

    this.addSql(`create table \`personas\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`description\` text null, \`filter\` json not null, \`definition\` text not null, \`priority\` integer not null default 100, \`created_at\` bigint not null, \`updated_at\` bigint not null);`);
    this.addSql(`create index \`personas_priority_created_at_id_index\` on \`personas\` (\`priority\`, \`created_at\`, \`id\`);`);

    this.addSql(`create table \`scoring_models\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`description\` text null, \`created_at\` bigint not null, \`updated_at\` bigint not null);`);

    this.addSql(`create table \`scoring_rules\` (\`id\` integer not null primary key autoincrement, \`model_id\` integer not null, \`position\` integer not null, \`label\` text not null, \`filter\` json not null, \`points\` integer not null, constraint \`scoring_rules_model_id_foreign\` foreign key(\`model_id\`) references \`scoring_models\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`scoring_rules_model_id_index\` on \`scoring_rules\` (\`model_id\`);`);

    this.addSql(`create table \`segments\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`description\` text null, \`filter\` json not null, \`definition\` text not null, \`version\` integer not null default 1, \`created_at\` bigint not null, \`updated_at\` bigint not null);`);
    this.addSql(`create index \`segments_name_index\` on \`segments\` (\`name\`);`);

    this.addSql(`create table \`segment_references\` (\`segment_id\` integer not null, \`referenced_id\` integer not null, constraint \`segment_references_segment_id_foreign\` foreign key(\`segment_id\`) references \`segments\`(\`id\`) on delete cascade on update cascade, constraint \`segment_references_referenced_id_foreign\` foreign key(\`referenced_id\`) references \`segments\`(\`id\`) on delete no action on update cascade, primary key (\`segment_id\`, \`referenced_id\`));`);
    this.addSql(`create index \`segment_references_segment_id_index\` on \`segment_references\` (\`segment_id\`);`);
    this.addSql(`create index \`segment_references_referenced_id_index\` on \`segment_references\` (\`referenced_id\`);`);

    this.addSql(`create table \`value_models\` (\`id\` integer not null primary key autoincrement, \`computed_at\` bigint not null, \`as_of\` bigint not null, \`customers\` integer not null, \`bgnbd\` json null, \`gamma_gamma\` json null);`);
  }

}
