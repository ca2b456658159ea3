import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';

/** A saved segment: a named filter, versioned for optimistic concurrency. */
@Entity({ tableName: 'segments' })
export class Segment {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Index()
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'json' })
  filter!: Record<string, unknown>;

  @Property({ type: 'text' })
  definition!: string;

  @Property({ type: 'integer', default: 1 })
  version = 1;

  @Property({ type: EpochMillisType })
  createdAt!: Date;

  @Property({ type: EpochMillisType })
  updatedAt!: Date;
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
