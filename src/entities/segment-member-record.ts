import { ManyToOne, PrimaryKey } from '@mikro-orm/core';
import { Customer } from './customer.entity';
import { Segment } from './segment.entity';

/**
 * What the records of a tracked segment's membership (its changes, its intervals) have: an id that grows
 * as they are written, the segment and the customer, both going with the segment or the customer deleted.
 */
export abstract class SegmentMemberRecord {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Segment, { deleteRule: 'cascade' })
  segment!: Segment;

  @ManyToOne(() => Customer, { deleteRule: 'cascade' })
  customer!: Customer;
}
