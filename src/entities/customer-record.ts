import { Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Channel } from '../common/enums';
import { EpochMillisType } from '../db/epoch-millis.type';
import { Customer } from './customer.entity';

/**
 * What an ingested record of a customer's activity (an order, an event) has:
 * the integrator's id for idempotent ingestion, the customer, the channel, and
 * when we recorded it (as opposed to when it happened).
 */
export abstract class CustomerRecord {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 255, unique: true })
  externalId!: string;

  @ManyToOne(() => Customer, { deleteRule: 'cascade' })
  customer!: Customer;

  @Enum({ items: () => Channel })
  channel!: Channel;

  @Property({ type: EpochMillisType })
  recordedAt!: Date;
}
