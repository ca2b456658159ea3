import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';
import { Customer } from './customer.entity';
import { Channel } from '../common/enums';

/** A purchase. `categories` is mirrored into `order_categories` for indexed filtering. */
@Entity({ tableName: 'orders' })
@Index({ properties: ['customer', 'orderedAt', 'id'] })
@Index({ properties: ['orderedAt'] })
export class Order {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 255, unique: true })
  externalId!: string;

  @ManyToOne(() => Customer, { deleteRule: 'cascade' })
  customer!: Customer;

  @Property({ type: EpochMillisType })
  orderedAt!: Date;

  @Property({ type: 'double' })
  amount!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Enum({ items: () => Channel })
  channel!: Channel;

  @Property({ type: 'json' })
  categories: string[] = [];

  @Property({ type: EpochMillisType })
  recordedAt!: Date;
}
