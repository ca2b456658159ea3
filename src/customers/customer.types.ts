import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection } from '../graphql/connection.type';
import { Channel, Gender, LifecycleStage, RfmSegment, SortDirection } from '../graphql/graphql-enums';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { registerEnumType } from 'type-graphql';

/**
 * The GraphQL face of a customer. Resolvers return `Customer` entities; the
 * fields below read their properties, computed ones live in CustomerResolver.
 */
@ObjectType('Customer')
export class CustomerType {
  @Field(() => ID)
  id!: number;

  @Field({ description: "The integrator's key, unique." })
  externalId!: string;

  // email, phone, firstName, lastName, birthDate: CustomerPersonalDataResolver (masked without the pii scope).

  @Field(() => Gender, { nullable: true })
  gender?: Gender | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2.' })
  country?: string | null;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'B2B identity.' })
  companyName?: string | null;

  @Field(() => String, { nullable: true })
  industry?: string | null;

  @Field(() => Int, { nullable: true, description: 'Employees.' })
  companySize?: number | null;

  @Field(() => String, { nullable: true })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. "purchasing", "finance".' })
  jobFunction?: string | null;

  @Field(() => LifecycleStage)
  lifecycleStage!: LifecycleStage;

  @Field(() => String, { nullable: true, description: 'Where the lead came from.' })
  acquisitionSource?: string | null;

  @Field(() => [String], { description: 'Psychographic tags.' })
  interests!: string[];

  @Field()
  emailOptIn!: boolean;

  @Field()
  smsOptIn!: boolean;

  @Field(() => JSONScalar, { description: 'Integrator-defined traits: flat object of string | number | boolean.' })
  attributes!: Record<string, unknown>;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the record was last confirmed accurate (data freshness).' })
  lastVerifiedAt?: Date | null;
}

@ObjectType('CustomerValue', { description: 'What a customer is worth, from the latest metrics refresh.' })
export class CustomerValueType {
  @Field(() => Int)
  orderCount!: number;

  @Field(() => Float)
  lifetimeRevenue!: number;

  @Field(() => Float, { nullable: true })
  averageOrderValue?: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  firstOrderAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastOrderAt?: Date | null;

  @Field(() => Int, { nullable: true })
  daysSinceLastOrder?: number | null;

  @Field(() => Int, { nullable: true, description: '1..5 quintile, 5 = most recent.' })
  recencyScore?: number | null;

  @Field(() => Int, { nullable: true, description: '1..5' })
  frequencyScore?: number | null;

  @Field(() => Int, { nullable: true, description: '1..5' })
  monetaryScore?: number | null;

  @Field(() => RfmSegment, { nullable: true, description: 'Null for customers without orders.' })
  rfmSegment?: RfmSegment | null;

  @Field(() => Float, { nullable: true, description: 'BG/NBD P(alive).' })
  probabilityAlive?: number | null;

  @Field(() => Float, { nullable: true, description: 'BG/NBD conditional expectation, next 90 days.' })
  expectedPurchases90d?: number | null;

  @Field(() => Float, { nullable: true, description: 'Gamma-Gamma spend x BG/NBD purchases, next 12 months.' })
  predictedLifetimeValue?: number | null;

  @Field(() => DateTimeScalar)
  computedAt!: Date;
}

@ObjectType('Order')
export class OrderType {
  @Field(() => ID)
  id!: number;

  @Field()
  externalId!: string;

  @Field(() => DateTimeScalar)
  orderedAt!: Date;

  @Field(() => Float)
  amount!: number;

  @Field()
  currency!: string;

  @Field(() => Channel)
  channel!: Channel;

  @Field(() => [String])
  categories!: string[];
}

@ObjectType('Event')
export class EventType {
  @Field(() => ID)
  id!: number;

  @Field()
  externalId!: string;

  @Field()
  name!: string;

  @Field(() => Channel)
  channel!: Channel;

  @Field(() => DateTimeScalar)
  occurredAt!: Date;

  @Field(() => JSONScalar)
  properties!: Record<string, unknown>;
}

@ObjectType('CustomerConnection')
export class CustomerConnection extends Connection(CustomerType, 'Customer') {}

@ObjectType('OrderConnection')
export class OrderConnection extends Connection(OrderType, 'Order') {}

@ObjectType('EventConnection')
export class EventConnection extends Connection(EventType, 'Event') {}

export enum CustomerOrderField {
  CREATED_AT = 'CREATED_AT',
  LIFETIME_REVENUE = 'LIFETIME_REVENUE',
  LAST_ORDER_AT = 'LAST_ORDER_AT',
  SCORE = 'SCORE',
  NAME = 'NAME',
}

registerEnumType(CustomerOrderField, { name: 'CustomerOrderField' });

@InputType('CustomerOrder', { description: 'Sort order of a customer list; ties are broken by id.' })
export class CustomerOrderInput {
  @Field(() => CustomerOrderField)
  field!: CustomerOrderField;

  @Field(() => SortDirection)
  direction!: SortDirection;

  @Field(() => ID, { nullable: true, description: 'The scoring model, required with SCORE.' })
  scoreModel?: string | null;
}
