import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One caller's request bucket, shared by every instance over one PostgreSQL
 * (server/shared-rate-limit.ts): tokens left as of `at`. A bucket idle for a
 * minute is full again, so such rows are pruned: no row means a full bucket.
 */
@Entity({ tableName: 'rate_limit_buckets' })
export class RateLimitBucket {
  /** `key:<id>` or `address:<client address>`. */
  @PrimaryKey({ type: 'string', length: 200 })
  key!: string;

  @Property({ type: 'double' })
  tokens!: number;

  /** Milliseconds since the epoch, on the database's clock. */
  @Property({ type: 'bigint' })
  at!: number;

  /** Whether the last request counted here was let through (what the statement returns). */
  @Property({ type: 'boolean' })
  allowed!: boolean;
}
