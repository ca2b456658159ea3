import { Migration } from '@mikro-orm/migrations';
import { addStoredReferences } from '../../saved-filters/references';

/**
 * One graph of saved-filter references (saved_filter_references) instead of
 * segment_references plus scans of the stored filters: the segment-to-segment
 * rows move over, then every filter saved before this migration (segments',
 * scoring rules', personas') adds what it names. The backfill needs the new
 * table to exist, so the statements run here in order.
 */
export class Migration20261202094143 extends Migration {

  override async up(): Promise<void> {
    await this.execute(`create table "saved_filter_references" ("user_kind" varchar(20) not null, "user_id" int not null, "referenced_kind" varchar(20) not null, "referenced_id" int not null, constraint "saved_filter_references_pkey" primary key ("user_kind", "user_id", "referenced_kind", "referenced_id"));`);
    await this.execute(`create index "saved_filter_references_referenced_kind_referenced_id_index" on "saved_filter_references" ("referenced_kind", "referenced_id");`);
    await this.execute(`insert into "saved_filter_references" ("user_kind", "user_id", "referenced_kind", "referenced_id") select 'segment', "segment_id", 'segment', "referenced_id" from "segment_references";`);
    await this.execute(`drop table "segment_references" cascade;`);
    await addStoredReferences(this.ctx!);
  }

  override async down(): Promise<void> {
    this.addSql(`create table "segment_references" ("segment_id" int4 not null, "referenced_id" int4 not null, constraint "segment_references_pkey" primary key ("segment_id", "referenced_id"));`);
    this.addSql(`create index "segment_references_referenced_id_index" on "segment_references" ("referenced_id");`);

    this.addSql(`alter table "segment_references" add constraint "segment_references_referenced_id_foreign" foreign key ("referenced_id") references "segments" ("id") on update cascade on delete no action;`);
    this.addSql(`alter table "segment_references" add constraint "segment_references_segment_id_foreign" foreign key ("segment_id") references "segments" ("id") on update cascade on delete cascade;`);

    this.addSql(`insert into "segment_references" ("segment_id", "referenced_id") select "user_id", "referenced_id" from "saved_filter_references" where "user_kind" = 'segment' and "referenced_kind" = 'segment' and "referenced_id" in (select "id" from "segments");`);
    this.addSql(`drop table if exists "saved_filter_references" cascade;`);
  }

}
