import { Migration } from '@mikro-orm/migrations';

/**
 * Tracked segments (src/membership/): the intervals, the change log and the
 * segments' tracking columns. The generator's diff also rebuilt customers,
 * customer_metrics, events and orders (SQLite sees no difference it can alter in
 * place): they did not change, and a rebuild of customers would cascade deletes,
 * so those statements are left out.
 */
export class Migration20261202124334 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`segment_changes\` (\`id\` integer not null primary key autoincrement, \`segment_id\` integer not null, \`customer_id\` integer not null, \`kind\` text check (\`kind\` in ('ENTERED', 'EXITED')) not null, \`at\` bigint not null, constraint \`segment_changes_segment_id_foreign\` foreign key(\`segment_id\`) references \`segments\`(\`id\`) on delete cascade on update cascade, constraint \`segment_changes_customer_id_foreign\` foreign key(\`customer_id\`) references \`customers\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`segment_changes_segment_id_index\` on \`segment_changes\` (\`segment_id\`);`);
    this.addSql(`create index \`segment_changes_customer_id_index\` on \`segment_changes\` (\`customer_id\`);`);
    this.addSql(`create index \`segment_changes_segment_id_id_index\` on \`segment_changes\` (\`segment_id\`, \`id\`);`);

    this.addSql(`create table \`segment_memberships\` (\`id\` integer not null primary key autoincrement, \`segment_id\` integer not null, \`customer_id\` integer not null, \`entered_at\` bigint not null, \`exited_at\` bigint null, \`baseline\` integer not null default false, constraint \`segment_memberships_segment_id_foreign\` foreign key(\`segment_id\`) references \`segments\`(\`id\`) on delete cascade on update cascade, constraint \`segment_memberships_customer_id_foreign\` foreign key(\`customer_id\`) references \`customers\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`segment_memberships_segment_id_index\` on \`segment_memberships\` (\`segment_id\`);`);
    this.addSql(`create index \`segment_memberships_customer_id_index\` on \`segment_memberships\` (\`customer_id\`);`);
    this.addSql(`create index \`segment_memberships_customer_id_entered_at_index\` on \`segment_memberships\` (\`customer_id\`, \`entered_at\`);`);
    this.addSql(`create index \`segment_memberships_segment_id_entered_at_exited_at_index\` on \`segment_memberships\` (\`segment_id\`, \`entered_at\`, \`exited_at\`);`);
    this.addSql(`create index \`segment_memberships_segment_id_exited_at_customer_id_index\` on \`segment_memberships\` (\`segment_id\`, \`exited_at\`, \`customer_id\`);`);

    this.addSql(`alter table \`segments\` add column \`track_membership\` integer not null default false;`);
    this.addSql(`alter table \`segments\` add column \`membership_tracked_since\` bigint null;`);
    this.addSql(`alter table \`segments\` add column \`membership_evaluated_at\` bigint null;`);
  }

}
