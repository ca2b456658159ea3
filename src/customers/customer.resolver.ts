import {
  Authorized,
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Scope } from '../common/scopes';
import { CUSTOMER_ORDER_BY, idOf } from '../common/descriptions';
import { AsOfArgs, PageArgs } from '../graphql/args';
import { DateTimeScalar } from '../graphql/scalars';
import type { Customer, Event, Order } from '../entities';
import type { RequestContext } from '../graphql/context';
import { SegmentFilterInput } from '../saved-filters/filter.inputs';
import { FilterArg, ONLY_FILTERED_CUSTOMERS } from '../saved-filters/filter-arg';
import { requestFilterPredicate } from '../saved-filters/filter.service';
import { resolveOrdering } from './score-ordering';
import { ageAt } from '../common/dates';
import { findCustomer, listCustomers } from './customer.service';
import { customerByIdLoader, metricsByCustomerIdLoader } from './customer.loaders';
import {
  CustomerConnection,
  CustomerOrderInput,
  CustomerType,
  CustomerValueType,
  EventType,
  OrderType,
} from './customer.types';

/** Customer.age's asOf, described for an age. */
@ArgsType()
class AgeArgs extends AsOfArgs {
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'The instant the age is taken at (ISO instant); default now. Needs the pii scope.',
  })
  // Redeclared for its own description; TypeScript asks for an initializer to accept the override.
  override asOf?: Date = undefined;
}

@Resolver(() => CustomerType)
export class CustomerResolver {
  @Authorized(Scope.READ)
  @Query(() => CustomerType, {
    nullable: true,
    description:
      'One customer, by id or by externalId (exactly one, else BAD_USER_INPUT); null when none has it.',
  })
  customer(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { nullable: true, description: idOf('customer') }) id?: string,
    @Arg('externalId', () => String, { nullable: true, description: "The integrator's key of the customer." })
    externalId?: string,
  ): Promise<Customer | null> {
    return findCustomer(ctx.em, { id, externalId });
  }

  @Authorized(Scope.READ)
  @Query(() => CustomerConnection, {
    description:
      'All customers, or those a filter selects, a page at a time (keyset pagination: pages stay stable while customers are added).',
  })
  async customers(
    @Ctx() ctx: RequestContext,
    @Args() page: PageArgs,
    @Arg('orderBy', () => CustomerOrderInput, { nullable: true, description: CUSTOMER_ORDER_BY })
    orderBy: CustomerOrderInput | undefined,
    @FilterArg(ONLY_FILTERED_CUSTOMERS, { nullable: true })
    filter: SegmentFilterInput | undefined,
    @Args() asOf: AsOfArgs,
  ) {
    const asked = page.page();
    const at = asOf.instant(ctx);
    const ordering = await resolveOrdering(ctx.em, orderBy, at);
    if (!filter) return listCustomers(ctx.em, { ...asked, orderBy: ordering });
    const where = await requestFilterPredicate(ctx.em, filter, at);
    return listCustomers(ctx.em, { ...asked, orderBy: ordering, where });
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      'Age in whole years at asOf, from the birth date; null without a birth date. Readable without the pii scope at now only (ages at chosen dates would give the birth date away).',
  })
  age(@Root() customer: Customer, @Ctx() ctx: RequestContext, @Args() asOf: AgeArgs): number | null {
    return customer.birthDate ? ageAt(customer.birthDate, asOf.instant(ctx)) : null;
  }

  @FieldResolver(() => CustomerValueType, {
    nullable: true,
    description:
      'What the customer is worth, from the latest metrics refresh; null until metrics were computed.',
  })
  async value(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(metricsByCustomerIdLoader).load(customer.id);
  }
}

@Resolver(() => OrderType)
export class OrderResolver {
  @FieldResolver(() => CustomerType, { description: 'The customer who placed the order.' })
  async customer(@Root() order: Order, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(customerByIdLoader).load(order.customer.id);
  }
}

@Resolver(() => EventType)
export class EventResolver {
  @FieldResolver(() => CustomerType, { description: 'The customer the event belongs to.' })
  async customer(@Root() event: Event, @Ctx() ctx: RequestContext) {
    return ctx.loaders.get(customerByIdLoader).load(event.customer.id);
  }
}
