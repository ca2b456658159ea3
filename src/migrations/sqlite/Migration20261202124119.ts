import { Migration } from '@mikro-orm/migrations';

export class Migration20261202124119 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`webhooks\` (\`id\` integer not null primary key autoincrement, \`url\` text not null, \`secret\` text not null, \`disabled_at\` bigint null, \`consecutive_failures\` integer not null default 0, \`next_attempt_at\` bigint null, \`lease_until\` bigint null, \`created_at\` bigint not null);`);

    this.addSql(`create table \`webhook_deliveries\` (\`id\` integer not null primary key autoincrement, \`delivery_id\` text not null, \`webhook_id\` integer not null, \`type\` text not null, \`change_count\` integer not null, \`body\` text not null, \`created_at\` bigint not null, \`delivered_at\` bigint null, constraint \`webhook_deliveries_webhook_id_foreign\` foreign key(\`webhook_id\`) references \`webhooks\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create unique index \`webhook_deliveries_delivery_id_unique\` on \`webhook_deliveries\` (\`delivery_id\`);`);
    this.addSql(`create index \`webhook_deliveries_webhook_id_index\` on \`webhook_deliveries\` (\`webhook_id\`);`);
    this.addSql(`create index \`webhook_deliveries_webhook_id_delivered_at_index\` on \`webhook_deliveries\` (\`webhook_id\`, \`delivered_at\`);`);

    this.addSql(`create table \`webhook_attempts\` (\`id\` integer not null primary key autoincrement, \`webhook_id\` integer not null, \`delivery_id\` integer not null, \`attempted_at\` bigint not null, \`status\` text not null, \`http_status\` integer null, \`latency_ms\` integer not null, \`error\` text null, constraint \`webhook_attempts_webhook_id_foreign\` foreign key(\`webhook_id\`) references \`webhooks\`(\`id\`) on delete cascade on update cascade, constraint \`webhook_attempts_delivery_id_foreign\` foreign key(\`delivery_id\`) references \`webhook_deliveries\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`webhook_attempts_webhook_id_index\` on \`webhook_attempts\` (\`webhook_id\`);`);
    this.addSql(`create index \`webhook_attempts_delivery_id_index\` on \`webhook_attempts\` (\`delivery_id\`);`);
    this.addSql(`create index \`webhook_attempts_webhook_id_id_index\` on \`webhook_attempts\` (\`webhook_id\`, \`id\`);`);

    this.addSql(`create table \`webhook_outbox\` (\`id\` integer not null primary key autoincrement, \`webhook_id\` integer not null, \`change_id\` bigint not null, constraint \`webhook_outbox_webhook_id_foreign\` foreign key(\`webhook_id\`) references \`webhooks\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`webhook_outbox_webhook_id_index\` on \`webhook_outbox\` (\`webhook_id\`);`);
    this.addSql(`create index \`webhook_outbox_webhook_id_change_id_index\` on \`webhook_outbox\` (\`webhook_id\`, \`change_id\`);`);

    this.addSql(`create table \`webhook_subscriptions\` (\`webhook_id\` integer not null, \`segment_id\` integer not null, \`kind\` text not null, constraint \`webhook_subscriptions_webhook_id_foreign\` foreign key(\`webhook_id\`) references \`webhooks\`(\`id\`) on delete cascade on update cascade, constraint \`webhook_subscriptions_segment_id_foreign\` foreign key(\`segment_id\`) references \`segments\`(\`id\`) on delete cascade on update cascade, primary key (\`webhook_id\`, \`segment_id\`, \`kind\`));`);
    this.addSql(`create index \`webhook_subscriptions_webhook_id_index\` on \`webhook_subscriptions\` (\`webhook_id\`);`);
    this.addSql(`create index \`webhook_subscriptions_segment_id_index\` on \`webhook_subscriptions\` (\`segment_id\`);`);
    this.addSql(`create index \`webhook_subscriptions_segment_id_kind_index\` on \`webhook_subscriptions\` (\`segment_id\`, \`kind\`);`);
  }

}
