import { Entity, Index, Property } from '@mikro-orm/core';
import { SavedFilterObject } from './saved-object';

/** A named archetype defined by a filter; assignment is exclusive by priority, then age. */
@Entity({ tableName: 'personas' })
@Index({ properties: ['priority', 'createdAt', 'id'] })
export class Persona extends SavedFilterObject {
  @Property({ type: 'integer', default: 100 })
  priority = 100;
}
