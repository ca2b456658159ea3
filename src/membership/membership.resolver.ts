import { Arg, Args, Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Scope } from '../common/scopes';
import { customerByIdLoader } from '../customers/customer.loaders';
import { CustomerType } from '../customers/customer.types';
import { MembershipChangeKind, type Customer, type Segment } from '../entities';
import { PageArgs } from '../graphql/args';
import type { RequestContext } from '../graphql/context';
import { DateTimeScalar } from '../graphql/scalars';
import { SegmentType } from '../segments/segment.types';
import {
  MAX_SIZE_POINTS,
  SizeInterval,
  segmentChanges,
  sizeHistory,
  type MembershipChangeRow,
  type MembershipInterval,
} from './history.service';
import { intervalsOfCustomerLoader, segmentByIdLoader } from './membership.loaders';
import {
  MembershipChangeConnection,
  MembershipChangeType,
  SegmentMembershipIntervalType,
  SegmentSizePointType,
} from './membership.types';

/** Segment.changes and Segment.sizeHistory: the record of a tracked segment. */
@Resolver(() => SegmentType)
export class SegmentHistoryResolver {
  @Authorized(Scope.READ)
  @FieldResolver(() => MembershipChangeConnection, {
    description:
      'Customers who entered or left the tracked segment, oldest change first; a page boundary stays put while new changes arrive. Empty for a segment never tracked.',
  })
  changes(
    @Root() segment: Segment,
    @Ctx() ctx: RequestContext,
    // type-graphql lists parameters last first: the schema reads since, until, kind, after, first.
    @Args() page: PageArgs,
    @Arg('kind', () => MembershipChangeKind, {
      nullable: true,
      description: 'Only ENTERED or only EXITED; default both.',
    })
    kind: MembershipChangeKind | undefined,
    @Arg('until', () => DateTimeScalar, {
      nullable: true,
      description: 'Changes before this instant; default all.',
    })
    until: Date | undefined,
    @Arg('since', () => DateTimeScalar, {
      nullable: true,
      description: 'Changes at or after this instant; default all.',
    })
    since: Date | undefined,
  ) {
    return segmentChanges(ctx.em, segment, { ...page.page(), since, until, kind });
  }

  @Authorized(Scope.READ)
  @FieldResolver(() => [SegmentSizePointType], {
    description: `The size of the tracked segment at \`from\` and every interval after it up to \`to\`, read from its intervals in one statement; at most ${MAX_SIZE_POINTS} points (BAD_USER_INPUT at \`to\` beyond).`,
  })
  sizeHistory(
    @Root() segment: Segment,
    @Ctx() ctx: RequestContext,
    // Listed last first: the schema reads from, to, interval.
    @Arg('interval', () => SizeInterval, {
      nullable: true,
      description: 'The step between points; default DAY.',
    })
    interval: SizeInterval | undefined,
    @Arg('to', () => DateTimeScalar, { description: 'No point after this instant.' }) to: Date,
    @Arg('from', () => DateTimeScalar, { description: 'The first point.' }) from: Date,
  ) {
    return sizeHistory(ctx.em, segment, from, to, interval ?? SizeInterval.DAY);
  }
}

@Resolver(() => MembershipChangeType)
export class MembershipChangeResolver {
  @FieldResolver(() => CustomerType, { description: 'The customer who entered or left.' })
  async customer(@Root() change: MembershipChangeRow, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(customerByIdLoader).load(change.customerId);
  }
}

@Resolver(() => SegmentMembershipIntervalType)
export class SegmentMembershipIntervalResolver {
  @FieldResolver(() => SegmentType, { description: 'The tracked segment.' })
  segment(@Root() interval: MembershipInterval, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(segmentByIdLoader).load(interval.segmentId);
  }
}

/** Customer.segmentHistory: declared here because customers/ sits below membership/. */
@Resolver(() => CustomerType)
export class CustomerSegmentHistoryResolver {
  @Authorized(Scope.READ)
  @FieldResolver(() => [SegmentMembershipIntervalType], {
    description: 'The customer’s stays in tracked segments, newest entry first (needs the read scope).',
  })
  segmentHistory(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(intervalsOfCustomerLoader).load(customer.id);
  }
}
