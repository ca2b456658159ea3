import { Entity, Index, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';
import { CustomerRecord } from './customer-record';

export type EventProperties = Record<string, string | number | boolean>;

/** An interaction: what the customer did (or, for `message_sent`, what we did), when, on which channel. */
@Entity({ tableName: 'events' })
@Index({ properties: ['customer', 'occurredAt', 'id'] })
@Index({ properties: ['name', 'occurredAt'] })
export class Event extends CustomerRecord {
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: EpochMillisType })
  occurredAt!: Date;

  @Property({ type: 'json' })
  properties: EventProperties = {};
}
