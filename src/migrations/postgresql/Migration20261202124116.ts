import { Migration } from '@mikro-orm/migrations';

export class Migration20261202124116 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "metrics_dirty" ("customer_id" int not null, "claimed" boolean not null default false, constraint "metrics_dirty_pkey" primary key ("customer_id"));`);

    this.addSql(`alter table "metrics_dirty" add constraint "metrics_dirty_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "value_models" add column "rfm_boundaries" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "metrics_dirty" cascade;`);

    this.addSql(`alter table "value_models" drop column "rfm_boundaries";`);
  }

}
