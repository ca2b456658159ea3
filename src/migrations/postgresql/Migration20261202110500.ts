import { Migration } from '@mikro-orm/migrations';

export class Migration20261202110500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "customer_metrics" add column "preferred_channel" text check ("preferred_channel" in ('EMAIL', 'SMS', 'PUSH', 'WEB', 'APP', 'STORE', 'PHONE', 'SOCIAL', 'EVENT', 'OTHER')) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "customer_metrics" drop column "preferred_channel";`);
  }

}
