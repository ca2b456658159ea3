import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';
import { Customer } from './customer.entity';
import { Channel } from '../common/enums';

export type EventProperties = Record<string, string | number | boolean>;

/** An interaction: what the customer did (or, for `message_sent`, what we did), when, on which channel. */
@Entity({ tableName: 'events' })
@Index({ properties: ['customer', 'occurredAt', 'id'] })
@Index({ properties: ['name', 'occurredAt'] })
export class Event {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 255, unique: true })
  externalId!: string;

  @ManyToOne(() => Customer, { deleteRule: 'cascade' })
  customer!: Customer;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Enum({ items: () => Channel })
  channel!: Channel;

  @Property({ type: EpochMillisType })
  occurredAt!: Date;

  @Property({ type: 'json' })
  properties: EventProperties = {};

  @Property({ type: EpochMillisType })
  recordedAt!: Date;
}
