import { Entity, Index, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';
import { CustomerRecord } from './customer-record';

/** A purchase. `categories` is mirrored into `order_categories` for indexed filtering. */
@Entity({ tableName: 'orders' })
@Index({ properties: ['customer', 'orderedAt', 'id'] })
@Index({ properties: ['orderedAt'] })
export class Order extends CustomerRecord {
  @Property({ type: EpochMillisType })
  orderedAt!: Date;

  @Property({ type: 'double' })
  amount!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'json' })
  categories: string[] = [];
}
