import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { EpochMillisType } from '../db/epoch-millis.type';
import { Gender, LifecycleStage } from '../common/enums';

/** A flat integrator-defined trait value. */
export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

/**
 * A customer or contact: identity (demographic, geographic, firmographic,
 * psychographic, lifecycle) plus integrator attributes.
 *
 * `interests` and `attributes` are kept here as JSON for reading back whole,
 * and mirrored row by row into `customer_interests` / `customer_attributes`
 * so that both databases filter them through ordinary B-tree indexes.
 */
@Entity({ tableName: 'customers' })
@Index({ properties: ['country', 'region'] })
@Index({ properties: ['createdAt', 'id'] })
// The NAME order as an index, so a page of members in that order is an index walk (src/customers/member-walks.ts).
@Index({
  name: 'customers_name_order_index',
  expression:
    "create index customers_name_order_index on customers (coalesce(last_name, ''), coalesce(first_name, ''), id)",
})
export class Customer {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 255, unique: true })
  externalId!: string;

  @Index()
  @Property({ type: 'string', length: 320, nullable: true })
  email?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  phone?: string | null;

  @Property({ type: 'string', length: 255, nullable: true })
  firstName?: string | null;

  @Index()
  @Property({ type: 'string', length: 255, nullable: true })
  lastName?: string | null;

  @Index()
  @Property({ type: EpochMillisType, nullable: true })
  birthDate?: Date | null;

  @Enum({ items: () => Gender, nullable: true })
  gender?: Gender | null;

  @Property({ type: 'string', length: 2, nullable: true })
  country?: string | null;

  @Property({ type: 'string', length: 255, nullable: true })
  region?: string | null;

  @Index()
  @Property({ type: 'string', length: 255, nullable: true })
  city?: string | null;

  @Index()
  @Property({ type: 'string', length: 32, nullable: true })
  postalCode?: string | null;

  @Property({ type: 'string', length: 255, nullable: true })
  companyName?: string | null;

  @Index()
  @Property({ type: 'string', length: 255, nullable: true })
  industry?: string | null;

  @Index()
  @Property({ type: 'integer', nullable: true })
  companySize?: number | null;

  @Property({ type: 'string', length: 255, nullable: true })
  jobTitle?: string | null;

  @Index()
  @Property({ type: 'string', length: 255, nullable: true })
  jobFunction?: string | null;

  @Index()
  @Enum({ items: () => LifecycleStage, default: LifecycleStage.LEAD })
  lifecycleStage: LifecycleStage = LifecycleStage.LEAD;

  @Index()
  @Property({ type: 'string', length: 255, nullable: true })
  acquisitionSource?: string | null;

  @Property({ type: 'json' })
  interests: string[] = [];

  @Property({ type: 'boolean', default: false })
  emailOptIn = false;

  @Property({ type: 'boolean', default: false })
  smsOptIn = false;

  @Property({ type: 'json' })
  attributes: Attributes = {};

  @Property({ type: EpochMillisType })
  createdAt!: Date;

  @Property({ type: EpochMillisType })
  updatedAt!: Date;

  @Index()
  @Property({ type: EpochMillisType, nullable: true })
  lastVerifiedAt?: Date | null;
}
