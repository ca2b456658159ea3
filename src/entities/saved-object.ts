import { PrimaryKey, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';

/** What every saved object (segment, persona, scoring model) has: an id, a name, a description and its two instants. */
export abstract class SavedObject {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: EpochMillisType })
  createdAt!: Date;

  @Property({ type: EpochMillisType })
  updatedAt!: Date;
}

/** A saved object defined by one filter, kept as stored JSON and in plain words. */
export abstract class SavedFilterObject extends SavedObject {
  @Property({ type: 'json' })
  filter!: Record<string, unknown>;

  @Property({ type: 'text' })
  definition!: string;
}
