import { Arg, Args, Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { idOf } from '../common/descriptions';
import { emailShownTo } from '../auth/personal-criteria';
import { CustomerType } from '../customers/customer.types';
import type { Customer } from '../entities';
import type { RequestContext } from '../graphql/context';
import { AsOfArgs } from '../graphql/args';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';
import { FilterArg } from '../saved-filters/filter-arg';
import { explainCustomer } from './explain.service';
import { ExplanationType } from './explain.types';
import { segmentsOfCustomerLoader } from './segment.loaders';
import { SegmentType } from './segment.types';

/** Customer.segments and Customer.explain: declared here because customers/ sits below segments/. */
@Resolver(() => CustomerType)
export class CustomerSegmentsResolver {
  @FieldResolver(() => [SegmentType], { description: 'Saved segments the customer is in now.' })
  segments(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(segmentsOfCustomerLoader).load(customer.id);
  }

  @FieldResolver(() => ExplanationType, {
    description:
      'Why the customer is in or out of a saved segment or a filter (give exactly one), as of asOf: the filter tree with the actual values.',
  })
  explain(
    @Root() customer: Customer,
    @Ctx() ctx: RequestContext,
    @Arg('segment', () => ID, { nullable: true, description: idOf('saved segment') })
    segment: string | undefined,
    @FilterArg('A filter to explain instead of a saved segment.', { nullable: true })
    filter: SegmentFilterInput | undefined,
    @Args() asOf: AsOfArgs,
  ) {
    return explainCustomer(ctx.em, customer, {
      segment,
      filter,
      asOf: asOf.instant(ctx),
      emailShown: emailShownTo(ctx.caller),
    });
  }
}
