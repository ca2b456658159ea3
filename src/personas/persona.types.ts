import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { SavedFilterType, SavedObjectInput } from '../graphql/saved-object.types';
import { JSONScalar } from '../graphql/scalars';
import { BucketType } from '../analysis/analysis.types';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';

@ObjectType('Persona', {
  description:
    'A named archetype defined by a filter. Exclusive: a customer belongs to the matching persona with the lowest priority number (ties: the oldest), or to none.',
})
export class PersonaType extends SavedFilterType {
  @Field(() => Int, {
    description:
      'Assignment order: lower numbers are assigned first (ties: the oldest persona); default 100.',
  })
  priority!: number;
}

@ObjectType('PersonaPortrait', { description: 'What a typical member looks like, now; one statement.' })
export class PersonaPortraitType {
  @Field(() => Float, {
    nullable: true,
    description: 'Median age in whole years of the members with a birth date; null without any.',
  })
  medianAge!: number | null;

  @Field(() => [BucketType], { description: 'The 5 largest countries ("unknown" without one).' })
  topCountries!: BucketType[];

  @Field(() => [BucketType], { description: 'By RFM segment ("none" without one).' })
  rfm!: BucketType[];

  @Field(() => [BucketType], { description: 'By lifecycle stage, largest first.' })
  lifecycle!: BucketType[];

  @Field(() => [BucketType], {
    description: 'By preferred channel ("none" without customer-initiated events in 180 days).',
  })
  preferredChannels!: BucketType[];

  @Field(() => [BucketType], {
    description: 'The 10 most common interests; shares overlap (a member has several).',
  })
  topInterests!: BucketType[];

  @Field(() => Float, {
    description: "Members' order amounts to date / members, a currency amount; 0 without members.",
  })
  revenuePerCustomer!: number;
}

@ObjectType('PersonaSuggestion', {
  description: 'A cluster of customers who resemble each other, with a filter that approximates it.',
})
export class PersonaSuggestionType {
  @Field({ description: 'A short name: the first two traits ("Typical customers" without any).' })
  label!: string;

  @Field(() => Int, { description: 'Customers in the cluster (estimated from the sample on large bases).' })
  size!: number;

  @Field(() => Float, { description: 'size / every customer, 0..1.' })
  share!: number;

  @Field(() => [String], {
    description: 'What distinguishes the cluster from the whole population, in plain words.',
  })
  traits!: string[];

  @Field(() => JSONScalar, {
    description: 'A SegmentFilter approximating the cluster, ready for createPersona.',
  })
  filter!: Record<string, unknown>;

  @Field(() => JSONScalar, {
    description: 'The cluster centre in the features it was clustered on, in their own units.',
  })
  centroid!: Record<string, unknown>;

  @Field(() => Float, {
    description: 'Of the clustered customers the filter selects, the share that are in the cluster, 0..1.',
  })
  precision!: number;

  @Field(() => Float, { description: 'Of the cluster, the share that the filter selects, 0..1.' })
  recall!: number;
}

@InputType('PersonaInput', { description: 'A persona to create, or the new definition of one to update.' })
export class PersonaInput extends SavedObjectInput {
  @Field(() => SegmentFilterInput, { description: 'Who the persona describes.' })
  filter!: SegmentFilterInput;

  @Field(() => Int, {
    nullable: true,
    description:
      'Lower numbers are assigned first. Default 100 on create; on update, left out keeps the current one.',
  })
  priority?: number | null;
}
