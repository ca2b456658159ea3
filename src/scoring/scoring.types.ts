import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { SavedObjectInput, SavedObjectType } from '../graphql/saved-object.types';
import { JSONScalar } from '../graphql/scalars';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';

@ObjectType('ScoringRule', { description: 'Customers matching the filter earn the points (-100..100).' })
export class ScoringRuleType {
  @Field()
  label!: string;

  @Field(() => JSONScalar, { description: 'The SegmentFilter as saved.' })
  filter!: Record<string, unknown>;

  @Field(() => Int)
  points!: number;
}

@ObjectType('ScoringModel', {
  description: "A points-based score out of 100: the sum of the points of the rules a customer matches, clamped to 0..100.",
})
export class ScoringModelType extends SavedObjectType {
  @Field(() => [ScoringRuleType], { description: 'In the order given.' })
  rules!: ScoringRuleType[];
}

@InputType('ScoringRuleInput')
export class ScoringRuleInput {
  @Field()
  label!: string;

  @Field(() => SegmentFilterInput, { description: 'Any filter criterion except a score of the same model.' })
  filter!: SegmentFilterInput;

  @Field(() => Int, { description: '-100..100; negative points lower the score.' })
  points!: number;
}

@InputType('ScoringModelInput')
export class ScoringModelInput extends SavedObjectInput {
  @Field(() => [ScoringRuleInput], { description: 'At most 100 rules.' })
  rules!: ScoringRuleInput[];
}
