import { Migration } from '@mikro-orm/migrations';

export class Migration20261202124347 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "rate_limit_buckets" ("key" varchar(200) not null, "tokens" double precision not null, "at" bigint not null, "allowed" boolean not null, constraint "rate_limit_buckets_pkey" primary key ("key"));`);

    this.addSql(`create table "work_markers" ("name" varchar(100) not null, "wanted_at" bigint null, "version" bigint not null, constraint "work_markers_pkey" primary key ("name"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limit_buckets" cascade;`);

    this.addSql(`drop table if exists "work_markers" cascade;`);
  }

}
