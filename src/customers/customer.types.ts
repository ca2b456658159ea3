import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection } from '../graphql/connection.type';
import { Channel, Gender, LifecycleStage, RfmSegment, SortDirection } from '../graphql/graphql-enums';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { CONNECTION } from '../common/descriptions';
import { enumOf, type NameOf } from '../common/enum-of';
import { registerDescribedEnum } from '../graphql/described-enum';

/**
 * The GraphQL face of a customer. Resolvers return `Customer` entities; the
 * fields below read their properties, computed ones live in CustomerResolver.
 */
@ObjectType('Customer', {
  description:
    'A person or contact of the base: who they are (identity), what they are worth (value) and what they did (orders, events). Personal data is masked without the pii scope.',
})
export class CustomerType {
  @Field(() => ID, {
    description: 'Opaque identifier given by the service; pass it as `id` to customer(id:).',
  })
  id!: number;

  @Field({
    description:
      "The integrator's key, unique across customers (at most 255 characters); ingestion matches on it.",
  })
  externalId!: string;

  // email, phone, firstName, lastName, birthDate: CustomerPersonalDataResolver (masked without the pii scope).

  @Field(() => Gender, { nullable: true, description: 'Gender as declared; null when not given.' })
  gender?: Gender | null;

  @Field(() => String, {
    nullable: true,
    description: 'Country code, ISO 3166-1 alpha-2, upper-case (e.g. "FR"); null when not given.',
  })
  country?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Region, state or province, as given; null when not given.',
  })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'City, as given; null when not given.' })
  city?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Postal code, as given (at most 32 characters); null when not given.',
  })
  postalCode?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'B2B identity: the company the customer works for; null when not given (consumers).',
  })
  companyName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'B2B identity: the industry of the company (e.g. "retail"); null when not given.',
  })
  industry?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'B2B identity: number of employees of the company; null when not given.',
  })
  companySize?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'B2B identity: job title, as given; null when not given.',
  })
  jobTitle?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'B2B identity: job function, e.g. "purchasing", "finance"; null when not given.',
  })
  jobFunction?: string | null;

  @Field(() => LifecycleStage, {
    description: 'Commercial stage, as set by the integrator; a new customer starts as LEAD.',
  })
  lifecycleStage!: LifecycleStage;

  @Field(() => String, {
    nullable: true,
    description: 'Where the lead came from (e.g. "webinar", "referral"); null when not given.',
  })
  acquisitionSource?: string | null;

  @Field(() => [String], {
    description: 'Psychographic tags (at most 100 of at most 100 characters); empty for a new customer.',
  })
  interests!: string[];

  @Field({ description: 'Consent to be contacted by email; false for a new customer.' })
  emailOptIn!: boolean;

  @Field({ description: 'Consent to be contacted by text message; false for a new customer.' })
  smsOptIn!: boolean;

  @Field(() => JSONScalar, {
    description:
      'Integrator-defined traits: a flat JSON object of string | number | boolean values (keys [A-Za-z0-9_.-], 1 to 64 characters); {} for a new customer.',
  })
  attributes!: Record<string, unknown>;

  @Field(() => DateTimeScalar, {
    description:
      'When the customer relationship began: CustomerInput.createdAt when given, otherwise the time of the first upsert (ISO instant).',
  })
  createdAt!: Date;

  @Field(() => DateTimeScalar, {
    description: 'When the record was last changed by an upsert (ISO instant).',
  })
  updatedAt!: Date;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When the record was last confirmed accurate, as given by the integrator (data freshness, ISO instant); null when never.',
  })
  lastVerifiedAt?: Date | null;
}

@ObjectType('CustomerValue', {
  description:
    "What a customer is worth, from the latest metrics refresh (computed from orders at or before that refresh's asOf).",
})
export class CustomerValueType {
  @Field(() => Int, {
    description: "Orders at or before the refresh's asOf (raw orders, not purchase occasions).",
  })
  orderCount!: number;

  @Field(() => Float, {
    description:
      'Sum of the amounts of those orders, a currency amount as recorded (no currency conversion); 0 without orders.',
  })
  lifetimeRevenue!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'lifetimeRevenue / orderCount, a currency amount; null without orders.',
  })
  averageOrderValue?: number | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Instant of the first order; null without orders.',
  })
  firstOrderAt?: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "Instant of the latest order at or before the refresh's asOf; null without orders.",
  })
  lastOrderAt?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: "Whole days from the latest order to the refresh's asOf; null without orders.",
  })
  daysSinceLastOrder?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'RFM recency score, 1..5 quintile, 5 = most recent order; null without orders.',
  })
  recencyScore?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'RFM frequency score, 1..5 quintile, 5 = most orders; null without orders.',
  })
  frequencyScore?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'RFM monetary score, 1..5 quintile, 5 = most revenue; null without orders.',
  })
  monetaryScore?: number | null;

  @Field(() => RfmSegment, {
    nullable: true,
    description:
      'RFM segment from the recency and frequency scores (see RfmSegment); null for customers without orders.',
  })
  rfmSegment?: RfmSegment | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "BG/NBD probability (0..1) that the customer is still active at the refresh's asOf; null without orders or when no customer has a repeat occasion (no BG/NBD fit).",
  })
  probabilityAlive?: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'BG/NBD conditional expectation of purchase occasions in the next 90 days; null without orders or without a BG/NBD fit.',
  })
  expectedPurchases90d?: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Expected spend over the next 12 months (Gamma-Gamma value per occasion x BG/NBD purchases, 1% monthly discount), a currency amount; null without orders or without both fits.',
  })
  predictedLifetimeValue?: number | null;

  @Field(() => DateTimeScalar, {
    description: 'When the metrics refresh that produced these figures ran (ISO instant).',
  })
  computedAt!: Date;
}

@ObjectType('Order', { description: 'A purchase a customer made, as recorded by recordOrders.' })
export class OrderType {
  @Field(() => ID, { description: 'Opaque identifier given by the service.' })
  id!: number;

  @Field({
    description:
      "The integrator's key of the order, unique across orders; recording it again is a duplicate.",
  })
  externalId!: string;

  @Field(() => DateTimeScalar, {
    description:
      'When the order was placed (ISO instant); behaviour criteria and value figures count it from then on.',
  })
  orderedAt!: Date;

  @Field(() => Float, { description: 'Order total, a currency amount in `currency`.' })
  amount!: number;

  @Field({ description: 'ISO 4217 code, upper-case; the service default (EUR) when recorded without one.' })
  currency!: string;

  @Field(() => Channel, {
    description: 'Channel the order was placed through; OTHER when recorded without one.',
  })
  channel!: Channel;

  @Field(() => [String], {
    description:
      'Product categories of the order (at most 50); a category criterion holds when one of them matches.',
  })
  categories!: string[];
}

@ObjectType('Event', {
  description: 'An interaction with a customer (a message, a visit, a click…), as recorded by recordEvents.',
})
export class EventType {
  @Field(() => ID, { description: 'Opaque identifier given by the service.' })
  id!: number;

  @Field({
    description:
      "The integrator's key of the event, unique across events; recording it again is a duplicate.",
  })
  externalId!: string;

  @Field({
    description:
      'Event name, a free string (at most 100 characters), e.g. message_sent (the only outbound one), message_opened, page_viewed, form_submitted.',
  })
  name!: string;

  @Field(() => Channel, { description: 'Channel the event happened on; OTHER when recorded without one.' })
  channel!: Channel;

  @Field(() => DateTimeScalar, { description: 'When the event happened (ISO instant).' })
  occurredAt!: Date;

  @Field(() => JSONScalar, {
    description:
      'Event properties (e.g. campaign, content_type): a flat JSON object of string | number | boolean values; {} when recorded without any.',
  })
  properties!: Record<string, unknown>;
}

@ObjectType('CustomerConnection', { description: CONNECTION.type('Customer') })
export class CustomerConnection extends Connection(CustomerType, 'Customer') {}

@ObjectType('OrderConnection', { description: CONNECTION.type('Order') })
export class OrderConnection extends Connection(OrderType, 'Order') {}

@ObjectType('EventConnection', { description: CONNECTION.type('Event') })
export class EventConnection extends Connection(EventType, 'Event') {}

export const CustomerOrderField = enumOf('CREATED_AT', 'LIFETIME_REVENUE', 'LAST_ORDER_AT', 'SCORE', 'NAME');
export type CustomerOrderField = NameOf<typeof CustomerOrderField>;

registerDescribedEnum(CustomerOrderField, {
  name: 'CustomerOrderField',
  description: 'What a customer list can be sorted by.',
  values: {
    CREATED_AT: 'When the customer relationship began (Customer.createdAt).',
    LIFETIME_REVENUE:
      'Lifetime revenue of the latest metrics refresh; customers without metrics sort first ascending, last descending.',
    LAST_ORDER_AT:
      'Latest order of the latest metrics refresh; customers without metrics sort first ascending, last descending.',
    SCORE: "Score under CustomerOrder.scoreModel (required), at the list's asOf.",
    NAME: 'Last name, then first name (a missing one as empty text), compared as stored; needs the pii scope (the order tells names apart).',
  },
});

@InputType('CustomerOrder', { description: 'Sort order of a customer list; ties are broken by id.' })
export class CustomerOrderInput {
  @Field(() => CustomerOrderField, { description: 'What to sort by.' })
  field!: CustomerOrderField;

  @Field(() => SortDirection, { description: 'ASC or DESC; ties are broken by id in the same direction.' })
  direction!: SortDirection;

  @Field(() => ID, {
    nullable: true,
    description:
      "The scoring model whose score (at the list's asOf) sorts; required with SCORE, ignored otherwise.",
  })
  scoreModel?: string | null;
}
