import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { SavedFilterObject } from './saved-object';

/** A saved segment: a named filter, versioned for optimistic concurrency. */
@Entity({ tableName: 'segments' })
@Index({ properties: ['name'] })
export class Segment extends SavedFilterObject {
  @Property({ type: 'integer', default: 1 })
  version = 1;
}

/** "segment uses referenced" (an `inSegment` criterion), for composition and delete protection. */
@Entity({ tableName: 'segment_references' })
@Index({ properties: ['referenced'] })
export class SegmentReference {
  @ManyToOne(() => Segment, { primary: true, deleteRule: 'cascade' })
  segment!: Segment;

  @ManyToOne(() => Segment, { primary: true, deleteRule: 'no action' })
  referenced!: Segment;
}
