import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { SavedFilterType, SavedObjectInput } from '../graphql/saved-object.types';
import { Connection } from '../graphql/connection.type';
import { DateTimeScalar } from '../graphql/scalars';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';
import { CONNECTION, CREATED_AT, UPDATED_AT } from '../common/descriptions';

@ObjectType('Segment', {
  description: 'A saved, named filter. Membership is always computed live, as of asOf.',
})
export class SegmentType extends SavedFilterType {
  @Field(() => Int, {
    description:
      'Starts at 1 and goes up by one at every update (optimistic concurrency: pass it as expectedVersion).',
  })
  version!: number;

  @Field(() => DateTimeScalar, { description: CREATED_AT })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: UPDATED_AT })
  updatedAt!: Date;

  @Field({
    description:
      'True when membership is recorded as intervals and changes (changes, sizeHistory, Customer.segmentHistory).',
  })
  trackMembership!: boolean;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When the first evaluation of the tracked segment opened its intervals: history starts there. Null until then.',
  })
  membershipTrackedSince?: Date | null;
}

@ObjectType('SegmentConnection', { description: CONNECTION.type('Segment') })
export class SegmentConnection extends Connection(SegmentType, 'Segment') {}

@InputType('SegmentInput', {
  description: 'A segment to create, or the whole new definition of one to update.',
})
export class SegmentInput extends SavedObjectInput {
  @Field(() => SegmentFilterInput, { description: 'Who the segment selects.' })
  filter!: SegmentFilterInput;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Record membership as intervals and changes. Default: false on create, unchanged on update; false pauses the record (kept as it is).',
  })
  trackMembership?: boolean | null;
}
