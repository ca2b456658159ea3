import { Field, ObjectType } from 'type-graphql';

@ObjectType('ExplanationNode', {
  description: 'One part of a filter: what it asked, the customer’s actual value, whether it held.',
})
export class ExplanationNodeType {
  @Field({
    description:
      'What this part is: and, or, not, all, everyone, inSegment, persona, identity.<field>, value.<field>, value.score, scoringRule, behaviour.event, behaviour.purchase.',
  })
  kind!: string;

  @Field({ description: 'What this part asks, in plain words (as in Segment.definition).' })
  description!: string;

  @Field({ description: 'Whether this part holds for the customer.' })
  matched!: boolean;

  @Field(() => String, {
    nullable: true,
    description: `The customer's actual value for this part, as text (e.g. "FR", "2 order(s) in the window, total 120"); null for and, or, not and inSegment.`,
  })
  actual!: string | null;

  @Field(() => [ExplanationNodeType], {
    description:
      "The parts this one is made of (the members of and/or, the filter under not, a saved segment's filter, a score's rules); empty for a plain criterion.",
  })
  children!: ExplanationNodeType[];
}

@ObjectType('Explanation', { description: 'Why a customer is in or out of a segment or filter.' })
export class ExplanationType {
  @Field({ description: 'Whether the customer is in (the filter holds).' })
  matched!: boolean;

  @Field(() => ExplanationNodeType, { description: 'The explanation of the whole filter, as a tree.' })
  root!: ExplanationNodeType;
}
