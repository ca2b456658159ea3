import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';

/** A named archetype defined by a filter; assignment is exclusive by priority, then age. */
@Entity({ tableName: 'personas' })
@Index({ properties: ['priority', 'createdAt', 'id'] })
export class Persona {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'json' })
  filter!: Record<string, unknown>;

  @Property({ type: 'text' })
  definition!: string;

  @Property({ type: 'integer', default: 100 })
  priority = 100;

  @Property({ type: EpochMillisType })
  createdAt!: Date;

  @Property({ type: EpochMillisType })
  updatedAt!: Date;
}
