import { Entity, Enum, Index, OneToOne, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';
import { Customer } from './customer.entity';
import { Channel, RfmSegment } from '../common/enums';

/**
 * The materialised value of one customer (1:1), written in bulk by a metrics
 * refresh. Value criteria read this table; `computedAt` says how fresh it is.
 */
@Entity({ tableName: 'customer_metrics' })
// Orders of member pages, walked with ties broken by customer (src/customers/member-walks.ts).
@Index({ properties: ['lifetimeRevenue', 'customer'] })
@Index({ properties: ['lastOrderAt', 'customer'] })
export class CustomerMetrics {
  @OneToOne(() => Customer, { primary: true, owner: true, deleteRule: 'cascade' })
  customer!: Customer;

  @Index()
  @Property({ type: 'integer' })
  orderCount!: number;

  @Property({ type: 'double' })
  lifetimeRevenue!: number;

  @Property({ type: 'double', nullable: true })
  averageOrderValue?: number | null;

  @Property({ type: EpochMillisType, nullable: true })
  firstOrderAt?: Date | null;

  @Property({ type: EpochMillisType, nullable: true })
  lastOrderAt?: Date | null;

  @Property({ type: 'integer', nullable: true })
  daysSinceLastOrder?: number | null;

  @Property({ type: 'integer', nullable: true })
  recencyScore?: number | null;

  @Property({ type: 'integer', nullable: true })
  frequencyScore?: number | null;

  @Property({ type: 'integer', nullable: true })
  monetaryScore?: number | null;

  @Index()
  @Enum({ items: () => RfmSegment, nullable: true })
  rfmSegment?: RfmSegment | null;

  @Property({ type: 'double', nullable: true })
  probabilityAlive?: number | null;

  @Property({ type: 'double', nullable: true })
  expectedPurchases90d?: number | null;

  @Property({ type: 'double', nullable: true })
  predictedLifetimeValue?: number | null;

  /** Purchase occasions (distinct UTC days with an order) after the first: the models' x. */
  @Property({ type: 'integer', nullable: true })
  repeatOccasions?: number | null;

  /** UTC day number (days since 1970-01-01) of the first and the last purchase occasion. */
  @Property({ type: 'integer', nullable: true })
  firstOccasionDay?: number | null;

  @Property({ type: 'integer', nullable: true })
  lastOccasionDay?: number | null;

  /** Mean value of the repeat occasions (each the sum of that day's orders); null without repeats. */
  @Property({ type: 'double', nullable: true })
  repeatOccasionValue?: number | null;

  /**
   * The preferred channel at `asOf` (docs/API.md: most customer-initiated events
   * in the 180 days before, ties to the most recent, then by name); null without one.
   */
  @Enum({ items: () => Channel, nullable: true })
  preferredChannel?: Channel | null;

  /** The `asOf` the metrics were computed for. */
  @Property({ type: EpochMillisType })
  asOf!: Date;

  @Property({ type: EpochMillisType })
  computedAt!: Date;
}
