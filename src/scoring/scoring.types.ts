import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { SavedObjectInput, SavedObjectType } from '../graphql/saved-object.types';
import { JSONScalar } from '../graphql/scalars';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';
import { SAVED_FILTER } from '../common/descriptions';

@ObjectType('ScoringRule', { description: 'Customers matching the filter earn the points (-100..100).' })
export class ScoringRuleType {
  @Field({ description: 'What the rule rewards, in words (shown in explanations).' })
  label!: string;

  @Field(() => JSONScalar, { description: SAVED_FILTER })
  filter!: Record<string, unknown>;

  @Field(() => Int, {
    description: 'Points a matching customer earns, -100..100; negative points lower the score.',
  })
  points!: number;
}

@ObjectType('ScoringModel', {
  description:
    'A points-based score out of 100: the sum of the points of the rules a customer matches, clamped to 0..100.',
})
export class ScoringModelType extends SavedObjectType {
  @Field(() => [ScoringRuleType], { description: 'In the order given.' })
  rules!: ScoringRuleType[];
}

@InputType('ScoringRuleInput', { description: 'One rule of a scoring model.' })
export class ScoringRuleInput {
  @Field({ description: 'What the rule rewards, in words.' })
  label!: string;

  @Field(() => SegmentFilterInput, { description: 'Any filter criterion except a score of the same model.' })
  filter!: SegmentFilterInput;

  @Field(() => Int, { description: '-100..100; negative points lower the score.' })
  points!: number;
}

@InputType('ScoringModelInput', {
  description: 'A scoring model to create, or the whole new definition of one to update.',
})
export class ScoringModelInput extends SavedObjectInput {
  @Field(() => [ScoringRuleInput], { description: 'At most 100 rules.' })
  rules!: ScoringRuleInput[];
}
