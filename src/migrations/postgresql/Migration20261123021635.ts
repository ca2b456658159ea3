import { Migration } from '@mikro-orm/migrations';

export class Migration20261123021635 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "customer_metrics" add column "repeat_occasions" int null, add column "first_occasion_day" int null, add column "last_occasion_day" int null, add column "repeat_occasion_value" double precision null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "customer_metrics" drop column "repeat_occasions", drop column "first_occasion_day", drop column "last_occasion_day", drop column "repeat_occasion_value";`);
  }

}
