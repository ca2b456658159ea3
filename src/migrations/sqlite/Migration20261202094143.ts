import { Migration } from '@mikro-orm/migrations';
import { addStoredReferences } from '../../saved-filters/references';

/**
 * One graph of saved-filter references (saved_filter_references) instead of
 * segment_references plus scans of the stored filters: the segment-to-segment
 * rows move over, then every filter saved before this migration (segments',
 * scoring rules', personas') adds what it names.
 * Written by hand: the generated SQLite diff also rebuilt unrelated tables
 * (a schema-comparison artefact), which would have cascaded deletes; and the
 * backfill needs the new table to exist, so the statements run here in order.
 */
export class Migration20261202094143 extends Migration {
  override async up(): Promise<void> {
    await this.execute('create table `saved_filter_references` (`user_kind` text not null, `user_id` integer not null, `referenced_kind` text not null, `referenced_id` integer not null, primary key (`user_kind`, `user_id`, `referenced_kind`, `referenced_id`));');
    await this.execute('create index `saved_filter_references_referenced_kind_referenced_id_index` on `saved_filter_references` (`referenced_kind`, `referenced_id`);');
    await this.execute("insert into `saved_filter_references` (`user_kind`, `user_id`, `referenced_kind`, `referenced_id`) select 'segment', `segment_id`, 'segment', `referenced_id` from `segment_references`;");
    await this.execute('drop table `segment_references`;');
    await addStoredReferences(this.ctx!);
  }
}
