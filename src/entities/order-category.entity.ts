import { Entity, Index, ManyToOne, PrimaryKey } from '@mikro-orm/core';
import { Order } from './order.entity';

/** One category of an order; mirrors `Order.categories` for indexed filtering. */
@Entity({ tableName: 'order_categories' })
@Index({ properties: ['category', 'order'] })
export class OrderCategory {
  @ManyToOne(() => Order, { primary: true, deleteRule: 'cascade' })
  order!: Order;

  @PrimaryKey({ type: 'string', length: 100 })
  category!: string;
}
