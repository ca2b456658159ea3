import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { Channel, Gender, LifecycleStage } from '../graphql/graphql-enums';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';

/**
 * A customer to insert or patch, keyed by externalId. A field left out keeps
 * its stored value; an explicit null clears it (fields that cannot be empty go
 * back to a new customer's default: LEAD, opted out, no interests, {}).
 */
@InputType('CustomerInput', {
  description:
    "A customer to insert or patch, keyed by externalId. A field left out keeps its stored value; an explicit null clears it (fields that cannot be empty go back to a new customer's default: LEAD, opted out, no interests, {}).",
})
export class CustomerInput {
  @Field({
    description:
      "The integrator's key (at most 255 characters): an existing customer with it is patched, otherwise one is created.",
  })
  externalId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Email address (at most 320 characters); personal data.',
  })
  email?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Phone number (at most 64 characters); personal data.',
  })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'First name; personal data.' })
  firstName?: string | null;

  @Field(() => String, { nullable: true, description: 'Last name; personal data.' })
  lastName?: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Date of birth (a bare date is midnight UTC); personal data, gives Customer.age.',
  })
  birthDate?: Date | null;

  @Field(() => Gender, { nullable: true, description: 'Gender as declared.' })
  gender?: Gender | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 (stored upper-case).' })
  country?: string | null;

  @Field(() => String, { nullable: true, description: 'Region, state or province.' })
  region?: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code (at most 32 characters).' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'B2B: the company the customer works for.' })
  companyName?: string | null;

  @Field(() => String, { nullable: true, description: 'B2B: the industry of the company.' })
  industry?: string | null;

  @Field(() => Int, { nullable: true, description: 'B2B: number of employees of the company.' })
  companySize?: number | null;

  @Field(() => String, { nullable: true, description: 'B2B: job title.' })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true, description: 'B2B: job function, e.g. "purchasing", "finance".' })
  jobFunction?: string | null;

  @Field(() => LifecycleStage, {
    nullable: true,
    description: 'Commercial stage; a new customer starts as LEAD (null sets LEAD back).',
  })
  lifecycleStage?: LifecycleStage | null;

  @Field(() => String, { nullable: true, description: 'Where the lead came from.' })
  acquisitionSource?: string | null;

  @Field(() => [String], {
    nullable: true,
    description:
      'Psychographic tags, at most 100 of at most 100 characters; replaces the stored list (null: none).',
  })
  interests?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Consent to email; a new customer starts opted out (null: false).',
  })
  emailOptIn?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Consent to text messages; a new customer starts opted out (null: false).',
  })
  smsOptIn?: boolean | null;

  @Field(() => JSONScalar, {
    nullable: true,
    description:
      'Integrator-defined traits, a flat object of string | number | boolean (keys [A-Za-z0-9_.-], 1 to 64 characters; at most 100 keys); replaces the stored object (null: {}).',
  })
  attributes?: unknown;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the record was last confirmed accurate (data freshness).',
  })
  lastVerifiedAt?: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When the customer relationship began, for imports; default: the time of the first upsert. Cannot be cleared.',
  })
  createdAt?: Date | null;
}

@InputType('OrderInput', {
  description: 'An order to record; recording the same externalId again is a duplicate and changes nothing.',
})
export class OrderInput {
  @Field({
    description:
      "The integrator's key of the order (at most 255 characters); an order already recorded with it is a duplicate.",
  })
  externalId!: string;

  @Field({ description: "The customer's externalId; an unknown customer rejects the item." })
  customerExternalId!: string;

  @Field(() => DateTimeScalar, { description: 'When the order was placed (between 1900 and 2200).' })
  orderedAt!: Date;

  @Field(() => Float, {
    description:
      'Order total, a currency amount in `currency`: from 0 to 1,000,000,000,000 (10^12); an item outside is rejected, so sums over any base stay finite.',
  })
  amount!: number;

  @Field(() => String, {
    nullable: true,
    description:
      "ISO 4217 code (three letters, stored upper-case); default the service's configured currency (EUR).",
  })
  currency?: string | null;

  @Field(() => Channel, {
    nullable: true,
    description: 'Channel the order was placed through; default OTHER.',
  })
  channel?: Channel | null;

  @Field(() => [String], { nullable: true, description: 'Product categories (at most 50); default none.' })
  categories?: string[] | null;
}

@InputType('EventInput', {
  description: 'An event to record; recording the same externalId again is a duplicate and changes nothing.',
})
export class EventInput {
  @Field({
    description:
      "The integrator's key of the event (at most 255 characters); an event already recorded with it is a duplicate.",
  })
  externalId!: string;

  @Field({ description: "The customer's externalId; an unknown customer rejects the item." })
  customerExternalId!: string;

  @Field({
    description: 'Event name (at most 100 characters), e.g. message_sent, message_opened, page_viewed.',
  })
  name!: string;

  @Field(() => Channel, { nullable: true, description: 'Channel the event happened on; default OTHER.' })
  channel?: Channel | null;

  @Field(() => DateTimeScalar, { description: 'When the event happened (between 1900 and 2200).' })
  occurredAt!: Date;

  @Field(() => JSONScalar, {
    nullable: true,
    description:
      'Event properties, a flat object of string | number | boolean (keys [A-Za-z0-9_.-]); default {}.',
  })
  properties?: unknown;
}

@ObjectType('IngestError', { description: 'Why one item of a batch was not stored.' })
export class IngestErrorType {
  @Field(() => Int, { description: 'Position of the item in the batch, from 0.' })
  index!: number;

  @Field(() => String, { nullable: true, description: 'The externalId of the item, when it had one.' })
  externalId?: string | null;

  @Field(() => String, { nullable: true, description: 'The input field at fault, when one is.' })
  field?: string | null;

  @Field({ description: 'What is wrong with the item, in words.' })
  message!: string;
}

@ObjectType('IngestResult', {
  description: 'accepted + duplicates + rejected.length = the number of items sent.',
})
export class IngestResultType {
  @Field(() => Int, { description: 'Items stored by this call.' })
  accepted!: number;

  @Field(() => Int, { description: 'Items already stored exactly so (replays); nothing changed.' })
  duplicates!: number;

  @Field(() => [IngestErrorType], {
    description: 'Items not stored, with the reason; the others of the batch are stored.',
  })
  rejected!: IngestErrorType[];
}
