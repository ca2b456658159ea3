import { Field, ObjectType } from 'type-graphql';

@ObjectType('ExplanationNode', { description: 'One part of a filter: what it asked, the customer’s actual value, whether it held.' })
export class ExplanationNodeType {
  @Field({ description: 'and, or, not, all, everyone, inSegment, persona, identity.<field>, value.<field>, behaviour.event, behaviour.purchase.' })
  kind!: string;

  @Field()
  description!: string;

  @Field()
  matched!: boolean;

  @Field(() => String, { nullable: true })
  actual!: string | null;

  @Field(() => [ExplanationNodeType])
  children!: ExplanationNodeType[];
}

@ObjectType('Explanation', { description: 'Why a customer is in or out of a segment or filter.' })
export class ExplanationType {
  @Field()
  matched!: boolean;

  @Field(() => ExplanationNodeType)
  root!: ExplanationNodeType;
}
