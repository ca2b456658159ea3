import { Migration } from '@mikro-orm/migrations';

export class Migration20261202124122 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "webhooks" ("id" serial primary key, "url" varchar(2048) not null, "secret" varchar(100) not null, "disabled_at" bigint null, "consecutive_failures" int not null default 0, "next_attempt_at" bigint null, "lease_until" bigint null, "created_at" bigint not null);`);

    this.addSql(`create table "webhook_deliveries" ("id" serial primary key, "delivery_id" varchar(36) not null, "webhook_id" int not null, "type" varchar(10) not null, "change_count" int not null, "body" text not null, "created_at" bigint not null, "delivered_at" bigint null);`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_delivery_id_unique" unique ("delivery_id");`);
    this.addSql(`create index "webhook_deliveries_webhook_id_delivered_at_index" on "webhook_deliveries" ("webhook_id", "delivered_at");`);

    this.addSql(`create table "webhook_attempts" ("id" serial primary key, "webhook_id" int not null, "delivery_id" int not null, "attempted_at" bigint not null, "status" varchar(10) not null, "http_status" int null, "latency_ms" int not null, "error" varchar(300) null);`);
    this.addSql(`create index "webhook_attempts_webhook_id_id_index" on "webhook_attempts" ("webhook_id", "id");`);

    this.addSql(`create table "webhook_outbox" ("id" bigserial primary key, "webhook_id" int not null, "change_id" bigint not null);`);
    this.addSql(`create index "webhook_outbox_webhook_id_change_id_index" on "webhook_outbox" ("webhook_id", "change_id");`);

    this.addSql(`create table "webhook_subscriptions" ("webhook_id" int not null, "segment_id" int not null, "kind" varchar(10) not null, constraint "webhook_subscriptions_pkey" primary key ("webhook_id", "segment_id", "kind"));`);
    this.addSql(`create index "webhook_subscriptions_segment_id_kind_index" on "webhook_subscriptions" ("segment_id", "kind");`);

    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_webhook_id_foreign" foreign key ("webhook_id") references "webhooks" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook_attempts" add constraint "webhook_attempts_webhook_id_foreign" foreign key ("webhook_id") references "webhooks" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_attempts" add constraint "webhook_attempts_delivery_id_foreign" foreign key ("delivery_id") references "webhook_deliveries" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook_outbox" add constraint "webhook_outbox_webhook_id_foreign" foreign key ("webhook_id") references "webhooks" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook_subscriptions" add constraint "webhook_subscriptions_webhook_id_foreign" foreign key ("webhook_id") references "webhooks" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "webhook_subscriptions" add constraint "webhook_subscriptions_segment_id_foreign" foreign key ("segment_id") references "segments" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_webhook_id_foreign";`);

    this.addSql(`alter table "webhook_attempts" drop constraint "webhook_attempts_webhook_id_foreign";`);

    this.addSql(`alter table "webhook_outbox" drop constraint "webhook_outbox_webhook_id_foreign";`);

    this.addSql(`alter table "webhook_subscriptions" drop constraint "webhook_subscriptions_webhook_id_foreign";`);

    this.addSql(`alter table "webhook_attempts" drop constraint "webhook_attempts_delivery_id_foreign";`);

    this.addSql(`drop table if exists "webhooks" cascade;`);

    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);

    this.addSql(`drop table if exists "webhook_attempts" cascade;`);

    this.addSql(`drop table if exists "webhook_outbox" cascade;`);

    this.addSql(`drop table if exists "webhook_subscriptions" cascade;`);
  }

}
