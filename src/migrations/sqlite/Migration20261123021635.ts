import { Migration } from '@mikro-orm/migrations';

/**
 * Purchase-occasion inputs of the value models on customer_metrics.
 * Written by hand: the generated SQLite diff also rebuilt unrelated tables
 * (a schema-comparison artefact), which would have cascaded deletes.
 */
export class Migration20261123021635 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `customer_metrics` add column `repeat_occasions` integer null;');
    this.addSql('alter table `customer_metrics` add column `first_occasion_day` integer null;');
    this.addSql('alter table `customer_metrics` add column `last_occasion_day` integer null;');
    this.addSql('alter table `customer_metrics` add column `repeat_occasion_value` double null;');
  }
}
