import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';
import { Customer } from './customer.entity';
import { Segment } from './segment.entity';

export enum MembershipChangeKind {
  ENTERED = 'ENTERED',
  EXITED = 'EXITED',
}

/**
 * The change log of tracked segments: a customer entered or left a segment at
 * the instant of an evaluation. `id` grows with every change written, so it is
 * the keyset of the change feed and the order in which changes are delivered.
 */
@Entity({ tableName: 'segment_changes' })
@Index({ properties: ['segment', 'id'] })
export class SegmentChange {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Segment, { deleteRule: 'cascade' })
  segment!: Segment;

  @ManyToOne(() => Customer, { deleteRule: 'cascade' })
  customer!: Customer;

  @Enum({ items: () => MembershipChangeKind })
  kind!: MembershipChangeKind;

  @Property({ type: EpochMillisType })
  at!: Date;
}
