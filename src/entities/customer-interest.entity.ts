import { Entity, Index, ManyToOne, PrimaryKey } from '@mikro-orm/core';
import { Customer } from './customer.entity';

/** One psychographic tag of a customer; mirrors `Customer.interests` for indexed filtering. */
@Entity({ tableName: 'customer_interests' })
@Index({ properties: ['tag', 'customer'] })
export class CustomerInterest {
  @ManyToOne(() => Customer, { primary: true, deleteRule: 'cascade' })
  customer!: Customer;

  @PrimaryKey({ type: 'string', length: 100 })
  tag!: string;
}
