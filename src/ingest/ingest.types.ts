import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { Channel, Gender, LifecycleStage } from '../common/graphql-enums';
import { DateTimeScalar, JSONScalar } from '../common/scalars';

/**
 * A customer to insert or patch, keyed by externalId. A field left out keeps
 * its stored value; an explicit null clears it (fields that cannot be empty go
 * back to a new customer's default: LEAD, opted out, no interests, {}).
 */
@InputType('CustomerInput')
export class CustomerInput {
  @Field()
  externalId!: string;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  firstName?: string | null;

  @Field(() => String, { nullable: true })
  lastName?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  birthDate?: Date | null;

  @Field(() => Gender, { nullable: true })
  gender?: Gender | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 (stored upper-case).' })
  country?: string | null;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true })
  postalCode?: string | null;

  @Field(() => String, { nullable: true })
  companyName?: string | null;

  @Field(() => String, { nullable: true })
  industry?: string | null;

  @Field(() => Int, { nullable: true })
  companySize?: number | null;

  @Field(() => String, { nullable: true })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true })
  jobFunction?: string | null;

  @Field(() => LifecycleStage, { nullable: true })
  lifecycleStage?: LifecycleStage | null;

  @Field(() => String, { nullable: true })
  acquisitionSource?: string | null;

  @Field(() => [String], { nullable: true })
  interests?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  emailOptIn?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  smsOptIn?: boolean | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Flat object of string | number | boolean.' })
  attributes?: unknown;

  @Field(() => DateTimeScalar, { nullable: true })
  lastVerifiedAt?: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the customer relationship began, for imports; default: the time of the first upsert. Cannot be cleared.',
  })
  createdAt?: Date | null;
}

@InputType('OrderInput')
export class OrderInput {
  @Field()
  externalId!: string;

  @Field()
  customerExternalId!: string;

  @Field(() => DateTimeScalar)
  orderedAt!: Date;

  @Field(() => Float, {
    description: 'From 0 to 1,000,000,000,000 (10^12); an item outside is rejected, so sums over any base stay finite.',
  })
  amount!: number;

  @Field(() => String, { nullable: true, description: 'ISO 4217; default EUR.' })
  currency?: string | null;

  @Field(() => Channel, { nullable: true, description: 'Default OTHER.' })
  channel?: Channel | null;

  @Field(() => [String], { nullable: true })
  categories?: string[] | null;
}

@InputType('EventInput')
export class EventInput {
  @Field()
  externalId!: string;

  @Field()
  customerExternalId!: string;

  @Field()
  name!: string;

  @Field(() => Channel, { nullable: true, description: 'Default OTHER.' })
  channel?: Channel | null;

  @Field(() => DateTimeScalar)
  occurredAt!: Date;

  @Field(() => JSONScalar, { nullable: true, description: 'Flat object of string | number | boolean.' })
  properties?: unknown;
}

@ObjectType('IngestError', { description: 'Why one item of a batch was not stored.' })
export class IngestErrorType {
  @Field(() => Int, { description: 'Position of the item in the batch, from 0.' })
  index!: number;

  @Field(() => String, { nullable: true })
  externalId?: string | null;

  @Field(() => String, { nullable: true, description: 'The input field at fault, when one is.' })
  field?: string | null;

  @Field()
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

  @Field(() => [IngestErrorType])
  rejected!: IngestErrorType[];
}
