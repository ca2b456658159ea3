import { Entity, Index, Property } from '@mikro-orm/core';
import { SavedFilterObject } from './saved-object';

/** A saved segment: a named filter, versioned for optimistic concurrency. */
@Entity({ tableName: 'segments' })
@Index({ properties: ['name'] })
export class Segment extends SavedFilterObject {
  @Property({ type: 'integer', default: 1 })
  version = 1;
}
