import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Customer } from './customer.entity';

/**
 * One integrator attribute of a customer, typed: exactly one of the value
 * columns is set, matching `valueType`. Mirrors `Customer.attributes` so that
 * `attributes: [{ key, string | number | bool }]` filters use an index on both databases.
 */
@Entity({ tableName: 'customer_attributes' })
@Index({ properties: ['key', 'stringValue'] })
@Index({ properties: ['key', 'numberValue'] })
@Index({ properties: ['key', 'boolValue'] })
export class CustomerAttribute {
  @ManyToOne(() => Customer, { primary: true, deleteRule: 'cascade' })
  customer!: Customer;

  @PrimaryKey({ type: 'string', length: 64 })
  key!: string;

  /** 'string' | 'number' | 'boolean' */
  @Property({ type: 'string', length: 7 })
  valueType!: 'string' | 'number' | 'boolean';

  @Property({ type: 'string', length: 1000, nullable: true })
  stringValue?: string | null;

  @Property({ type: 'double', nullable: true })
  numberValue?: number | null;

  @Property({ type: 'boolean', nullable: true })
  boolValue?: boolean | null;
}
