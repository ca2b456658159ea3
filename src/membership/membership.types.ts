import { Field, Int, ObjectType } from 'type-graphql';
import { CONNECTION } from '../common/descriptions';
import { MembershipChangeKind } from '../entities';
import { Connection } from '../graphql/connection.type';
import { DateTimeScalar } from '../graphql/scalars';
import { SizeInterval } from './history.service';
import { registerDescribedEnum } from '../graphql/described-enum';

registerDescribedEnum(MembershipChangeKind, {
  name: 'MembershipChangeKind',
  description: 'What happened to a customer in a tracked segment.',
  values: {
    ENTERED: 'Became a member.',
    EXITED: 'Stopped being a member.',
  },
});

registerDescribedEnum(SizeInterval, {
  name: 'SizeInterval',
  description: 'The step between the points of a size series (UTC).',
  values: {
    DAY: 'Every 24 hours from `from`.',
    WEEK: 'Every 7 days from `from`.',
    MONTH: 'The same day and time every calendar month (the last day of shorter months).',
  },
});

@ObjectType('MembershipChange', {
  description: 'A customer entered or left a tracked segment, at the instant of the evaluation that saw it.',
})
export class MembershipChangeType {
  @Field(() => MembershipChangeKind, { description: 'ENTERED or EXITED.' })
  kind!: MembershipChangeKind;

  @Field(() => DateTimeScalar, { description: 'The instant of the evaluation that recorded the change.' })
  at!: Date;
}

@ObjectType('MembershipChangeConnection', { description: CONNECTION.type('MembershipChange') })
export class MembershipChangeConnection extends Connection(MembershipChangeType, 'MembershipChange') {}

@ObjectType('SegmentSizePoint', {
  description: 'The size of a tracked segment at one instant, from its intervals.',
})
export class SegmentSizePointType {
  @Field(() => DateTimeScalar, { description: 'The instant.' })
  at!: Date;

  @Field(() => Int, {
    nullable: true,
    description: 'Members at that instant; null before the segment was first evaluated as tracked.',
  })
  size!: number | null;
}

@ObjectType('SegmentMembershipInterval', {
  description: 'One stay of a customer in a tracked segment.',
})
export class SegmentMembershipIntervalType {
  @Field(() => DateTimeScalar, {
    description: 'When the customer entered (for a baseline interval: when tracking started).',
  })
  enteredAt!: Date;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the customer left; null while a member.',
  })
  exitedAt!: Date | null;

  @Field({
    description:
      'True when the customer was already a member when tracking started: the interval began before enteredAt, and no ENTERED change was recorded.',
  })
  baseline!: boolean;
}
