import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection } from '../common/connection.type';
import { DateTimeScalar, JSONScalar } from '../common/scalars';
import { SegmentFilterInput } from './filter.inputs';

@ObjectType('Segment', { description: 'A saved, named filter. Membership is always computed live, as of asOf.' })
export class SegmentType {
  @Field(() => ID)
  id!: number;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => JSONScalar, { description: 'The SegmentFilter as saved; feeds back into createSegment unchanged.' })
  filter!: Record<string, unknown>;

  @Field({ description: 'The filter in plain words.' })
  definition!: string;

  @Field(() => Int, { description: 'Goes up by one at every update (optimistic concurrency).' })
  version!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;
}

@ObjectType('SegmentConnection')
export class SegmentConnection extends Connection(SegmentType, 'Segment') {}

@InputType('SegmentInput')
export class SegmentInput {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => SegmentFilterInput)
  filter!: SegmentFilterInput;
}
