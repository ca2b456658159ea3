import { Authorized, Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Scope } from '../common/scopes';
import { pageSize } from '../common/pagination';
import { DateTimeScalar } from '../graphql/scalars';
import { countCustomers, listCustomers } from '../customers/customer.service';
import { CustomerConnection, CustomerOrderInput } from '../customers/customer.types';
import type { Segment } from '../entities';
import { resolveOrdering } from '../customers/score-ordering';
import type { RequestContext } from '../graphql/context';
import {
  createSegment,
  deleteSegment,
  findSegment,
  listSegments,
  referencesOf,
  segmentPredicate,
  updateSegment,
} from './segment.service';
import { SegmentConnection, SegmentInput, SegmentType } from './segment.types';

@Resolver(() => SegmentType)
export class SegmentResolver {
  @Authorized(Scope.READ)
  @Query(() => SegmentType, { nullable: true })
  segment(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<Segment | null> {
    return findSegment(ctx.em, id);
  }

  @Authorized(Scope.READ)
  @Query(() => SegmentConnection, { description: 'Saved segments, oldest first; search matches names, ignoring case.' })
  segments(
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('search', () => String, { nullable: true }) search?: string,
  ) {
    return listSegments(ctx.em, { first: pageSize(first), after, search });
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => SegmentType)
  createSegment(@Ctx() ctx: RequestContext, @Arg('input', () => SegmentInput) input: SegmentInput): Promise<Segment> {
    return createSegment(ctx.em, input);
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => SegmentType, { description: 'CONFLICT when expectedVersion is given and the segment moved on, or when the filter would make a reference cycle.' })
  updateSegment(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => SegmentInput) input: SegmentInput,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion?: number,
  ): Promise<Segment> {
    return updateSegment(ctx.em, id, input, expectedVersion);
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => Boolean, { description: 'CONFLICT while another segment references it; NOT_FOUND for an unknown id.' })
  deleteSegment(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return deleteSegment(ctx.em, id);
  }

  @Authorized(Scope.READ)
  @FieldResolver(() => Int, { description: 'Members as of asOf (default now), counted in one statement.' })
  async size(@Root() segment: Segment, @Ctx() ctx: RequestContext, @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf?: Date) {
    return countCustomers(ctx.em, await segmentPredicate(ctx.em, segment, asOf ?? ctx.now));
  }

  @Authorized(Scope.READ)
  @FieldResolver(() => CustomerConnection)
  async members(
    @Root() segment: Segment,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('orderBy', () => CustomerOrderInput, { nullable: true }) orderBy?: CustomerOrderInput,
    @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf?: Date,
  ) {
    const size = pageSize(first);
    const at = asOf ?? ctx.now;
    const ordering = await resolveOrdering(ctx.em, orderBy, at);
    return listCustomers(ctx.em, { first: size, after, orderBy: ordering, where: await segmentPredicate(ctx.em, segment, at) });
  }

  @FieldResolver(() => [SegmentType], { description: 'Segments this one uses (inSegment).' })
  references(@Root() segment: Segment, @Ctx() ctx: RequestContext) {
    return referencesOf(ctx.em, segment.id, 'uses');
  }

  @FieldResolver(() => [SegmentType], { description: 'Segments that use this one.' })
  referencedBy(@Root() segment: Segment, @Ctx() ctx: RequestContext) {
    return referencesOf(ctx.em, segment.id, 'usedBy');
  }
}
