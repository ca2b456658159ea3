import { Entity, OneToOne, Property } from '@mikro-orm/core';
import { Customer } from './customer.entity';

/**
 * A customer whose stored value is behind their orders or events: ingestion
 * adds one in the transaction that records them (and for every new
 * customer), and the incremental metrics refresh recomputes these customers'
 * rows only, then removes the ones it claimed (src/value/metrics-marks.ts).
 */
@Entity({ tableName: 'metrics_dirty' })
export class MetricsDirty {
  @OneToOne(() => Customer, { primary: true, owner: true, deleteRule: 'cascade' })
  customer!: Customer;

  /**
   * Set by the refresh that is recomputing the customer; a later mark by
   * ingestion writes it back to unclaimed, and the refresh leaves it
   * (src/value/metrics-marks.ts).
   */
  @Property({ type: 'boolean', default: false })
  claimed = false;
}
