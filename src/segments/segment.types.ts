import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { SavedFilterType, SavedObjectInput } from '../graphql/saved-object.types';
import { Connection } from '../graphql/connection.type';
import { DateTimeScalar } from '../graphql/scalars';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';

@ObjectType('Segment', { description: 'A saved, named filter. Membership is always computed live, as of asOf.' })
export class SegmentType extends SavedFilterType {
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
export class SegmentInput extends SavedObjectInput {
  @Field(() => SegmentFilterInput)
  filter!: SegmentFilterInput;
}
