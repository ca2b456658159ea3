import { Entity, Index, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';
import { SavedFilterObject } from './saved-object';

/** A saved segment: a named filter, versioned for optimistic concurrency. */
@Entity({ tableName: 'segments' })
@Index({ properties: ['name'] })
export class Segment extends SavedFilterObject {
  @Property({ type: 'integer', default: 1 })
  version = 1;

  /** Membership is recorded as intervals and a change log (src/membership/). */
  @Property({ type: 'boolean', default: false })
  trackMembership = false;

  /**
   * The instant of the first evaluation that opened intervals: before it the
   * intervals know nothing (sizes are unknown, not zero). Null until then.
   */
  @Property({ type: EpochMillisType, nullable: true })
  membershipTrackedSince?: Date | null;

  /** The instant of the last evaluation recorded; the next must not be earlier. Null until the first. */
  @Property({ type: EpochMillisType, nullable: true })
  membershipEvaluatedAt?: Date | null;
}
