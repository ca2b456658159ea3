import {
  Authorized,
  Arg,
  Args,
  Ctx,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Scope } from '../common/scopes';
import { CUSTOMER_ORDER_BY, SAVED_DEFINITION, idOf } from '../common/descriptions';
import { AsOfArgs, IdArg, PageArgs } from '../graphql/args';
import { emailShownTo } from '../auth/personal-criteria';
import { countCustomers, listCustomers } from '../customers/customer.service';
import { CustomerConnection, CustomerOrderInput } from '../customers/customer.types';
import type { Segment } from '../entities';
import { resolveOrdering } from '../customers/score-ordering';
import type { RequestContext } from '../graphql/context';
import {
  createSegment,
  definitionShown,
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
  @Query(() => SegmentType, {
    nullable: true,
    description: 'One saved segment by id; null when none has it.',
  })
  segment(@Ctx() ctx: RequestContext, @IdArg(idOf('segment')) id: string): Promise<Segment | null> {
    return findSegment(ctx.em, id);
  }

  @Authorized(Scope.READ)
  @Query(() => SegmentConnection, {
    description:
      'Saved segments, oldest first; search keeps those whose name contains the text, ignoring case.',
  })
  segments(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('search', () => String, {
      nullable: true,
      description: 'Text the name must contain, ignoring case (wildcards literal); default every segment.',
    })
    search?: string,
  ) {
    return listSegments(ctx.em, { ...page.page(), search });
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => SegmentType, {
    description:
      'Saves a filter as a named segment (version 1), tracked when trackMembership is true. BAD_USER_INPUT with the path of what is wrong in the input.',
  })
  async createSegment(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => SegmentInput, { description: 'The name, description and filter.' })
    input: SegmentInput,
  ): Promise<Segment> {
    const segment = await createSegment(ctx.em, input);
    // The baseline of a tracked segment is opened a quiet moment later (and on the interval in any case).
    if (segment.trackMembership) ctx.membership.schedule();
    return segment;
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => SegmentType, {
    description:
      'Replaces the name, description and filter, and adds one to the version. CONFLICT when expectedVersion is given and the segment moved on, or when the filter would make a reference cycle.',
  })
  async updateSegment(
    @Ctx() ctx: RequestContext,
    @IdArg(idOf('segment')) id: string,
    @Arg('input', () => SegmentInput, { description: 'The new name, description and filter.' })
    input: SegmentInput,
    @Arg('expectedVersion', () => Int, {
      nullable: true,
      description: 'The version the change was made on (optimistic concurrency); default: no check.',
    })
    expectedVersion?: number,
  ): Promise<Segment> {
    const segment = await updateSegment(ctx.em, id, input, expectedVersion);
    if (segment.trackMembership) ctx.membership.schedule();
    return segment;
  }

  @Authorized(Scope.WRITE)
  @Mutation(() => Boolean, {
    description:
      'Deletes the segment; true when done. CONFLICT while another segment references it; NOT_FOUND for an unknown id.',
  })
  deleteSegment(@Ctx() ctx: RequestContext, @IdArg(idOf('segment')) id: string): Promise<boolean> {
    return deleteSegment(ctx.em, id);
  }

  @Authorized(Scope.READ)
  @FieldResolver(() => Int, { description: 'Members as of asOf, counted in one statement.' })
  async size(@Root() segment: Segment, @Ctx() ctx: RequestContext, @Args() asOf: AsOfArgs) {
    return countCustomers(ctx.em, await segmentPredicate(ctx.em, segment, asOf.instant(ctx)));
  }

  @Authorized(Scope.READ)
  @FieldResolver(() => CustomerConnection, { description: 'Members as of asOf, a page at a time.' })
  async members(
    @Root() segment: Segment,
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('orderBy', () => CustomerOrderInput, { nullable: true, description: CUSTOMER_ORDER_BY })
    orderBy: CustomerOrderInput | undefined,
    @Args() asOf: AsOfArgs,
  ) {
    const asked = page.page();
    const at = asOf.instant(ctx);
    return listCustomers(ctx.em, {
      ...asked,
      orderBy: await resolveOrdering(ctx.em, orderBy, at),
      where: await segmentPredicate(ctx.em, segment, at),
    });
  }

  @FieldResolver(() => String, { description: SAVED_DEFINITION })
  definition(@Root() segment: Segment, @Ctx() ctx: RequestContext): Promise<string> {
    return definitionShown(ctx.em, segment, emailShownTo(ctx.caller));
  }

  // Other saved segments, with their filters: what the read scope shows. A mutation returns a Segment to a
  // write-only key too, and these two must not turn it into a reader of every segment it can name.
  @Authorized(Scope.READ)
  @FieldResolver(() => [SegmentType], {
    description: 'Saved segments this one uses through inSegment (needs the read scope).',
  })
  references(@Root() segment: Segment, @Ctx() ctx: RequestContext) {
    return referencesOf(ctx.em, segment.id, 'uses');
  }

  @Authorized(Scope.READ)
  @FieldResolver(() => [SegmentType], {
    description:
      'Saved segments that use this one through inSegment (it cannot be deleted while there are any; needs the read scope).',
  })
  referencedBy(@Root() segment: Segment, @Ctx() ctx: RequestContext) {
    return referencesOf(ctx.em, segment.id, 'usedBy');
  }
}
