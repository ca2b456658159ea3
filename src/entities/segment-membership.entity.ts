import { Entity, Index, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';
import { SegmentMemberRecord } from './segment-member-record';

/**
 * One stay of a customer in a tracked segment: from `enteredAt` to `exitedAt`
 * (null while the customer is still a member). A customer has at most one open
 * interval per segment. Intervals opened by the first evaluation of a segment
 * are marked `baseline`: the customer was already a member when tracking
 * started, `enteredAt` is that start, and no ENTERED change was written.
 */
@Entity({ tableName: 'segment_memberships' })
// The open intervals of a segment (exited_at is null), diffed by every evaluation.
@Index({ properties: ['segment', 'exitedAt', 'customer'] })
// Size as of a date: intervals of a segment entered by then, not yet exited.
@Index({ properties: ['segment', 'enteredAt', 'exitedAt'] })
// A customer's intervals, newest first.
@Index({ properties: ['customer', 'enteredAt'] })
export class SegmentMembership extends SegmentMemberRecord {
  @Property({ type: EpochMillisType })
  enteredAt!: Date;

  @Property({ type: EpochMillisType, nullable: true })
  exitedAt?: Date | null;

  @Property({ type: 'boolean', default: false })
  baseline = false;
}
