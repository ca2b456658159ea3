import { Migration } from '@mikro-orm/migrations';

export class Migration20261202124113 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`metrics_dirty\` (\`customer_id\` integer not null, \`claimed\` integer not null default false, constraint \`metrics_dirty_customer_id_foreign\` foreign key(\`customer_id\`) references \`customers\`(\`id\`) on delete cascade on update cascade, primary key (\`customer_id\`));`);

    this.addSql(`alter table \`value_models\` add column \`rfm_boundaries\` json null;`);
  }

}
