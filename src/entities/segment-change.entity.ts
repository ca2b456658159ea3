import { Entity, Enum, Index, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';
import { SegmentMemberRecord } from './segment-member-record';

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
export class SegmentChange extends SegmentMemberRecord {
  @Enum({ items: () => MembershipChangeKind })
  kind!: MembershipChangeKind;

  @Property({ type: EpochMillisType })
  at!: Date;
}
