import { Migration } from '@mikro-orm/migrations';

export class Migration20261202100132 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index customers_name_order_index on customers (coalesce(last_name, ''), coalesce(first_name, ''), id);`);

    this.addSql(`drop index \`customer_metrics_last_order_at_index\`;`);
    this.addSql(`drop index \`customer_metrics_lifetime_revenue_index\`;`);

    this.addSql(`create index \`customer_metrics_last_order_at_customer_id_index\` on \`customer_metrics\` (\`last_order_at\`, \`customer_id\`);`);
    this.addSql(`create index \`customer_metrics_lifetime_revenue_customer_id_index\` on \`customer_metrics\` (\`lifetime_revenue\`, \`customer_id\`);`);
  }

}
