import { Migration } from '@mikro-orm/migrations';

export class Migration20261202124343 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`rate_limit_buckets\` (\`key\` text not null, \`tokens\` double not null, \`at\` bigint not null, \`allowed\` integer not null, primary key (\`key\`));`);

    this.addSql(`create table \`work_markers\` (\`name\` text not null, \`wanted_at\` bigint null, \`version\` bigint not null, primary key (\`name\`));`);
  }

}
