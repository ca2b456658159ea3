import { Migration } from '@mikro-orm/migrations';

export class Migration20261202124338 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "segment_changes" ("id" serial primary key, "segment_id" int not null, "customer_id" int not null, "kind" text check ("kind" in ('ENTERED', 'EXITED')) not null, "at" bigint not null);`);
    this.addSql(`create index "segment_changes_segment_id_id_index" on "segment_changes" ("segment_id", "id");`);

    this.addSql(`create table "segment_memberships" ("id" serial primary key, "segment_id" int not null, "customer_id" int not null, "entered_at" bigint not null, "exited_at" bigint null, "baseline" boolean not null default false);`);
    this.addSql(`create index "segment_memberships_customer_id_entered_at_index" on "segment_memberships" ("customer_id", "entered_at");`);
    this.addSql(`create index "segment_memberships_segment_id_entered_at_exited_at_index" on "segment_memberships" ("segment_id", "entered_at", "exited_at");`);
    this.addSql(`create index "segment_memberships_segment_id_exited_at_customer_id_index" on "segment_memberships" ("segment_id", "exited_at", "customer_id");`);

    this.addSql(`alter table "segment_changes" add constraint "segment_changes_segment_id_foreign" foreign key ("segment_id") references "segments" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "segment_changes" add constraint "segment_changes_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "segment_memberships" add constraint "segment_memberships_segment_id_foreign" foreign key ("segment_id") references "segments" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "segment_memberships" add constraint "segment_memberships_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "segments" add column "track_membership" boolean not null default false, add column "membership_tracked_since" bigint null, add column "membership_evaluated_at" bigint null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "segment_changes" cascade;`);

    this.addSql(`drop table if exists "segment_memberships" cascade;`);

    this.addSql(`alter table "segments" drop column "track_membership", drop column "membership_tracked_since", drop column "membership_evaluated_at";`);
  }

}
