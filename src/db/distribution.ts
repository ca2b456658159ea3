/**
 * How every table would be laid out on a PostgreSQL-compatible distributed engine (Citus and
 * the like), in one place: the README's "Distributed store" section says the same, and
 * test/distribution-rules.test.ts checks the schema after migrations against it and against
 * the rules such engines impose. A table missing here fails that test: whoever adds a table
 * decides its place.
 *
 * - distributed: sharded by hash of `column`, the customer's id, so that a customer's rows
 *   (orders, events, metrics, …) sit on one shard with the customer and every segment
 *   statement, correlated on that id, runs shard by shard;
 * - reference: small tables copied to every node, joinable with any shard;
 * - local: kept on the coordinator only, never joined with the others (what the service's
 *   instances share to coordinate: migrations, rate-limit buckets, work markers).
 */
export type TablePlacement =
  { kind: 'distributed'; column: string } | { kind: 'reference' } | { kind: 'local' };

/** The customer's id: the distribution column of every distributed table. */
export const DISTRIBUTION_COLUMN = 'customer_id';

const byCustomer: TablePlacement = { kind: 'distributed', column: DISTRIBUTION_COLUMN };

export const TABLE_PLACEMENT: Readonly<Record<string, TablePlacement>> = {
  // The customer's own row: its id is the distribution value.
  customers: { kind: 'distributed', column: 'id' },
  customer_interests: byCustomer,
  customer_attributes: byCustomer,
  orders: byCustomer,
  order_categories: byCustomer,
  events: byCustomer,
  customer_metrics: byCustomer,
  // The customers ingestion touched since the last refresh: marks beside their rows.
  metrics_dirty: byCustomer,
  // A segment's membership record is the customer's: intervals and changes sit on their shard.
  segment_memberships: byCustomer,
  segment_changes: byCustomer,
  segments: { kind: 'reference' },
  personas: { kind: 'reference' },
  scoring_models: { kind: 'reference' },
  scoring_rules: { kind: 'reference' },
  saved_filter_references: { kind: 'reference' },
  api_keys: { kind: 'reference' },
  // One row per refresh, read with the metrics: small, and needed next to every shard.
  value_models: { kind: 'reference' },
  webhooks: { kind: 'reference' },
  webhook_subscriptions: { kind: 'reference' },
  // Delivery state: filled from the changes by one INSERT…SELECT (pulled to the coordinator),
  // then read and written by the delivery worker alone, never joined with a shard.
  webhook_outbox: { kind: 'local' },
  webhook_deliveries: { kind: 'local' },
  webhook_attempts: { kind: 'local' },
  schema_migrations: { kind: 'local' },
  rate_limit_buckets: { kind: 'local' },
  work_markers: { kind: 'local' },
};

/**
 * Where today's schema breaks a rule of distributed engines, each with what the move does
 * about it. The test fails on a break not listed here, and on an entry that no longer
 * breaks anything (so the list stays exact as the schema improves).
 *
 * The rules: every primary key and unique constraint of a distributed table includes its
 * distribution column (a shard can only enforce uniqueness within itself); every foreign
 * key between distributed tables joins their distribution columns (rows and the rows they
 * name sit on one shard); no foreign key leads from a reference or local table to a
 * distributed one; every subquery of a segment statement over a distributed table is
 * correlated with the customer on the distribution column.
 */
export interface KnownBreak {
  table: string;
  /** The constraint's name, or `join` for the subqueries of segment statements. */
  constraint: string;
  /** What the move to a distributed store changes. */
  move: string;
}

export const KNOWN_BREAKS: readonly KnownBreak[] = [
  {
    table: 'customers',
    constraint: 'customers_external_id_unique',
    move:
      'external ids stay unique through a lookup table (external_id primary key, customer id) distributed by ' +
      'external_id, written in the ingestion transaction; the constraint on customers goes',
  },
  {
    table: 'orders',
    constraint: 'orders_pkey',
    move: 'the primary key becomes (customer_id, id); ids still come from one sequence',
  },
  {
    table: 'orders',
    constraint: 'orders_external_id_unique',
    move: 'as for customers: a lookup table of order external ids distributed by external_id',
  },
  {
    table: 'events',
    constraint: 'events_pkey',
    move: 'the primary key becomes (customer_id, id)',
  },
  {
    table: 'events',
    constraint: 'events_external_id_unique',
    move: 'as for customers: a lookup table of event external ids distributed by external_id',
  },
  {
    table: 'order_categories',
    constraint: 'order_categories_pkey',
    move: 'order_categories gets the order’s customer_id; the key becomes (customer_id, order_id, category)',
  },
  {
    table: 'order_categories',
    constraint: 'order_categories_order_id_foreign',
    move: 'the foreign key becomes (customer_id, order_id) → orders (customer_id, id)',
  },
  {
    table: 'order_categories',
    constraint: 'join',
    move: 'category criteria correlate with their order on customer_id too (oc.customer_id = t.customer_id)',
  },
  {
    table: 'segment_memberships',
    constraint: 'segment_memberships_pkey',
    move: 'the primary key becomes (customer_id, id)',
  },
  {
    table: 'segment_changes',
    constraint: 'segment_changes_pkey',
    move: 'the primary key becomes (customer_id, id); the feed still pages on id, from one sequence',
  },
];
